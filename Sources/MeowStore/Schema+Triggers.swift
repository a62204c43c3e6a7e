/// The schema's triggers that later migrations and `meow doctor` name.
extension Schema {
    /// The answer triggers as v9 left them: item and project progress, and the tally.
    static let tallyTriggers = """
        CREATE TRIGGER annotation_counts_insert AFTER INSERT ON annotation BEGIN
            UPDATE project SET answers_done = answers_done + 1
             WHERE id = NEW.project_id AND (SELECT done_count < need FROM item WHERE id = NEW.item_id);
            UPDATE item SET done_count = done_count + 1 WHERE id = NEW.item_id;
            INSERT INTO annotator_tally(project_id, annotator, answers) VALUES (NEW.project_id, NEW.annotator, 1)
                ON CONFLICT (project_id, annotator) DO UPDATE SET answers = answers + 1;
        END;
        CREATE TRIGGER annotation_counts_delete AFTER DELETE ON annotation BEGIN
            UPDATE project SET answers_done = answers_done - 1
             WHERE id = OLD.project_id AND (SELECT done_count <= need FROM item WHERE id = OLD.item_id);
            UPDATE item SET done_count = done_count - 1 WHERE id = OLD.item_id;
            UPDATE annotator_tally SET answers = answers - 1 WHERE project_id = OLD.project_id AND annotator = OLD.annotator;
        END;
        """

    /// Count answers taken back or changed per project (`project.answers_rewritten`), which
    /// tells `meow agreement` whether its snapshot still holds (v10). Any `UPDATE`, not only
    /// of named columns: `SET rowid = …` changes the id under another name. A changed id
    /// counts for every project, since the ids order the answers of all of them.
    static let rewriteTriggers = """
        CREATE TRIGGER annotation_rewritten_delete AFTER DELETE ON annotation BEGIN
            UPDATE project SET answers_rewritten = answers_rewritten + 1 WHERE id = OLD.project_id;
        END;
        CREATE TRIGGER annotation_rewritten_update AFTER UPDATE ON annotation
        WHEN NEW.id IS NOT OLD.id OR NEW.item_id IS NOT OLD.item_id OR NEW.project_id IS NOT OLD.project_id
          OR NEW.annotator IS NOT OLD.annotator OR NEW.label IS NOT OLD.label BEGIN
            UPDATE project SET answers_rewritten = answers_rewritten + 1
             WHERE id IN (OLD.project_id, NEW.project_id) OR NEW.id IS NOT OLD.id;
        END;
        """

    /// The triggers that protect frozen sets and the history: `meow doctor` reports any that
    /// is missing (someone ran DROP TRIGGER).
    static let protectionTriggers = [
        "frozen_set_immutable", "frozen_set_undeletable", "frozen_record_immutable", "frozen_record_undeletable",
        "frozen_item_text", "frozen_item_delete", "frozen_annotation_insert", "frozen_annotation_update", "frozen_annotation_delete",
        "frozen_final_insert", "frozen_final_update", "frozen_final_delete", "frozen_claim",
        "history_append_only", "history_undeletable",
    ]

    /// The triggers that keep the progress counters (`item.done_count`, `claim_count`,
    /// `project.answers_done`); import-annotations drops and recreates two of them inside its
    /// transaction, so `meow doctor` checks they are all there.
    static let countingTriggers = ["annotation_counts_insert", "annotation_counts_delete", "claim_counts_insert", "claim_counts_delete"]

    /// The triggers without which an agreement snapshot could outlive a changed answer.
    static let snapshotTriggers = ["annotation_rewritten_delete", "annotation_rewritten_update"]
}

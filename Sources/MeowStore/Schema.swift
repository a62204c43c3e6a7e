/// The workspace schema, as named migrations applied in order. Never edit a released
/// migration: add a new one. `PRAGMA user_version` holds how many have been applied and
/// `PRAGMA application_id` marks the file as a meow workspace.
enum Schema {
    static let applicationID: Int32 = 0x6D65_6F77 // "meow"

    static let migrations: [(name: String, sql: String)] = [
        ("v1-projects-items-queue", """
        CREATE TABLE project (
            id            INTEGER PRIMARY KEY,
            name          TEXT NOT NULL UNIQUE,
            overlap       INTEGER NOT NULL CHECK (overlap >= 1),
            lease_seconds REAL NOT NULL CHECK (lease_seconds > 0),
            -- Kept up to date so progress bars never scan the items: answers wanted (sum of
            -- need; set by import and guideline updates) and answers given towards them
            -- (sum of min(done_count, need); kept by the annotation triggers).
            answers_needed INTEGER NOT NULL DEFAULT 0,
            answers_done   INTEGER NOT NULL DEFAULT 0,
            created_at    TEXT NOT NULL,
            created_by    TEXT NOT NULL
        ) STRICT;

        CREATE TABLE guideline_version (
            project_id   INTEGER NOT NULL REFERENCES project(id),
            version      INTEGER NOT NULL CHECK (version >= 1),
            content_hash TEXT NOT NULL,
            source       TEXT NOT NULL,
            created_at   TEXT NOT NULL,
            created_by   TEXT NOT NULL,
            PRIMARY KEY (project_id, version)
        ) STRICT;

        -- qkey orders the queue: priority first (higher first), then import order.
        CREATE TABLE item (
        \(itemColumns),
            UNIQUE (project_id, external_id),
            UNIQUE (project_id, text_hash)
        ) STRICT;
        CREATE INDEX item_open ON item(project_id, qkey) WHERE taken < need;

        CREATE TABLE claim (
            item_id    INTEGER NOT NULL REFERENCES item(id),
            project_id INTEGER NOT NULL REFERENCES project(id),
            annotator  TEXT NOT NULL,
            claimed_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            PRIMARY KEY (item_id, annotator)
        ) STRICT;
        CREATE INDEX claim_by_annotator ON claim(project_id, annotator);
        CREATE INDEX claim_by_expiry ON claim(project_id, expires_at);

        -- One answer per (item, annotator): enforced here, not only in code.
        CREATE TABLE annotation (
            id                INTEGER PRIMARY KEY,
            item_id           INTEGER NOT NULL REFERENCES item(id),
            project_id        INTEGER NOT NULL REFERENCES project(id),
            annotator         TEXT NOT NULL,
            label             TEXT NOT NULL,
            comment           TEXT,
            unsure            INTEGER NOT NULL DEFAULT 0 CHECK (unsure IN (0, 1)),
            unsure_note       TEXT,
            guideline_version INTEGER NOT NULL,
            created_at        TEXT NOT NULL,
            seconds           REAL,
            source            TEXT NOT NULL DEFAULT 'queue',
            UNIQUE (item_id, annotator),
            FOREIGN KEY (project_id, guideline_version) REFERENCES guideline_version(project_id, version)
        ) STRICT;
        -- source in the key: "this annotator's queue answers" (undo, gold turns) must not step
        -- over thousands of imported labels.
        CREATE INDEX annotation_by_annotator ON annotation(project_id, annotator, source, id);

        CREATE TABLE skip (
            item_id    INTEGER NOT NULL REFERENCES item(id),
            annotator  TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (item_id, annotator)
        ) STRICT;

        -- Where each annotator's search for the next item starts: every item before it is
        -- answered or skipped by them, or was full when they passed it. Lowered whenever an
        -- item regains room, so it is only ever a shortcut, never a filter.
        CREATE TABLE queue_cursor (
            project_id INTEGER NOT NULL REFERENCES project(id),
            annotator  TEXT NOT NULL,
            qkey       INTEGER NOT NULL,
            PRIMARY KEY (project_id, annotator)
        ) STRICT, WITHOUT ROWID;

        CREATE TRIGGER annotation_counts_insert AFTER INSERT ON annotation BEGIN
            UPDATE project SET answers_done = answers_done + 1
             WHERE id = NEW.project_id AND (SELECT done_count < need FROM item WHERE id = NEW.item_id);
            UPDATE item SET done_count = done_count + 1 WHERE id = NEW.item_id;
        END;
        CREATE TRIGGER annotation_counts_delete AFTER DELETE ON annotation BEGIN
            UPDATE project SET answers_done = answers_done - 1
             WHERE id = OLD.project_id AND (SELECT done_count <= need FROM item WHERE id = OLD.item_id);
            UPDATE item SET done_count = done_count - 1 WHERE id = OLD.item_id;
        END;

        CREATE TRIGGER claim_counts_insert AFTER INSERT ON claim BEGIN
            UPDATE item SET claim_count = claim_count + 1 WHERE id = NEW.item_id;
        END;
        CREATE TRIGGER claim_counts_delete AFTER DELETE ON claim BEGIN
            UPDATE item SET claim_count = claim_count - 1 WHERE id = OLD.item_id;
        END;
        """),
        ("v2-roles-acknowledgement-qualification-gold", """
        -- Who may do what in a project. Anyone may annotate; admins and reviewers are listed.
        -- state/checks_from/passed_through carry the gold-check pause (see Workspace+Enforcement).
        CREATE TABLE member (
            project_id     INTEGER NOT NULL REFERENCES project(id),
            name           TEXT NOT NULL,
            role           TEXT NOT NULL DEFAULT 'annotator' CHECK (role IN ('admin', 'reviewer', 'annotator')),
            state          TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused')),
            pause_reason   TEXT,
            checks_from    INTEGER NOT NULL DEFAULT 0,
            passed_through INTEGER NOT NULL DEFAULT 0,
            too_fast       INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (project_id, name)
        ) STRICT;
        INSERT INTO member(project_id, name, role) SELECT id, created_by, 'admin' FROM project;

        CREATE TABLE acknowledgement (
            project_id        INTEGER NOT NULL REFERENCES project(id),
            annotator         TEXT NOT NULL,
            guideline_version INTEGER NOT NULL,
            acknowledged_at   TEXT NOT NULL,
            PRIMARY KEY (project_id, annotator, guideline_version)
        ) STRICT;
        -- Answers given before acknowledgements existed were made under a known guideline.
        INSERT OR IGNORE INTO acknowledgement SELECT DISTINCT project_id, annotator, guideline_version, created_at FROM annotation;

        -- Items with a known answer: 'qualification' (announced, before real work) or
        -- 'check' (mixed unannounced into the stream). Never items, never exported.
        CREATE TABLE gold_item (
            id                INTEGER PRIMARY KEY,
            project_id        INTEGER NOT NULL REFERENCES project(id),
            guideline_version INTEGER NOT NULL,
            purpose           TEXT NOT NULL CHECK (purpose IN ('qualification', 'check')),
            external_id       TEXT NOT NULL,
            text              TEXT NOT NULL,
            label             TEXT NOT NULL,
            explanation       TEXT NOT NULL DEFAULT '',
            UNIQUE (project_id, guideline_version, purpose, external_id)
        ) STRICT;

        CREATE TABLE gold_answer (
            id         INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES project(id),
            annotator  TEXT NOT NULL,
            gold_id    INTEGER NOT NULL REFERENCES gold_item(id),
            attempt    INTEGER NOT NULL DEFAULT 0,
            label      TEXT NOT NULL,
            correct    INTEGER NOT NULL CHECK (correct IN (0, 1)),
            seconds    REAL,
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX gold_answer_by_annotator ON gold_answer(project_id, annotator, id);

        -- A gold item an annotator holds; served under a disguised id so it looks like any item.
        CREATE TABLE gold_claim (
            project_id  INTEGER NOT NULL REFERENCES project(id),
            annotator   TEXT NOT NULL,
            gold_id     INTEGER NOT NULL REFERENCES gold_item(id),
            disguised   TEXT NOT NULL,
            claimed_at  REAL NOT NULL,
            PRIMARY KEY (project_id, annotator)
        ) STRICT;

        CREATE TABLE qualification (
            project_id INTEGER NOT NULL REFERENCES project(id),
            annotator  TEXT NOT NULL,
            attempt    INTEGER NOT NULL,
            guideline_version INTEGER NOT NULL,
            state      TEXT NOT NULL CHECK (state IN ('in_progress', 'passed', 'failed')),
            correct    INTEGER NOT NULL DEFAULT 0,
            total      INTEGER NOT NULL DEFAULT 0,
            finished_at TEXT,
            PRIMARY KEY (project_id, annotator, attempt)
        ) STRICT;

        -- Why an answer needs a reviewer's eye ('unsure', 'gold checks'), NULL when it does not.
        ALTER TABLE annotation ADD COLUMN review_reason TEXT;
        -- What a new guideline version changed in the label set (JSON).
        ALTER TABLE guideline_version ADD COLUMN changes TEXT;
        """),
        ("v3-final-labels-frozen-sets", """
        -- The reconciled label of an item and how it was reached. label NULL: disputed (a tie).
        CREATE TABLE final_label (
            item_id           INTEGER PRIMARY KEY REFERENCES item(id),
            project_id        INTEGER NOT NULL REFERENCES project(id),
            label             TEXT,
            decision          TEXT CHECK (decision IN ('unanimous', 'majority', 'model', 'reviewer')),
            method            TEXT NOT NULL,
            confidence        REAL NOT NULL,
            decided_by        TEXT,
            note              TEXT,
            decided_at        TEXT NOT NULL
        ) STRICT;
        CREATE INDEX final_label_review ON final_label(project_id, confidence);

        -- Dawid-Skene's estimate of each annotator's accuracy, from the last model run.
        CREATE TABLE annotator_estimate (
            project_id INTEGER NOT NULL REFERENCES project(id),
            annotator  TEXT NOT NULL,
            accuracy   REAL NOT NULL,
            computed_at TEXT NOT NULL,
            PRIMARY KEY (project_id, annotator)
        ) STRICT;

        CREATE TABLE frozen_set (
            id          INTEGER PRIMARY KEY,
            project_id  INTEGER NOT NULL REFERENCES project(id),
            name        TEXT NOT NULL,
            created_at  TEXT NOT NULL,
            created_by  TEXT NOT NULL,
            rule        TEXT NOT NULL,
            set_hash    TEXT NOT NULL,
            manifest    TEXT NOT NULL,
            UNIQUE (project_id, name)
        ) STRICT;

        CREATE TABLE frozen_record (
            set_id      INTEGER NOT NULL REFERENCES frozen_set(id),
            item_id     INTEGER NOT NULL REFERENCES item(id),
            external_id TEXT NOT NULL,
            record      TEXT NOT NULL,
            record_hash TEXT NOT NULL,
            norm_hash   TEXT NOT NULL,
            group_value TEXT,
            PRIMARY KEY (set_id, item_id)
        ) STRICT;
        CREATE INDEX frozen_record_item ON frozen_record(item_id);
        CREATE INDEX frozen_record_norm ON frozen_record(norm_hash);

        -- A frozen set never changes: the database itself refuses, whoever asks.
        CREATE TRIGGER frozen_set_immutable BEFORE UPDATE ON frozen_set BEGIN
            SELECT RAISE(ABORT, 'frozen test sets cannot change; freeze a new set under a new name');
        END;
        CREATE TRIGGER frozen_set_undeletable BEFORE DELETE ON frozen_set BEGIN
            SELECT RAISE(ABORT, 'frozen test sets cannot be deleted; freeze a new set under a new name');
        END;
        CREATE TRIGGER frozen_record_immutable BEFORE UPDATE ON frozen_record BEGIN
            SELECT RAISE(ABORT, 'frozen records cannot change; freeze a new set under a new name');
        END;
        CREATE TRIGGER frozen_record_undeletable BEFORE DELETE ON frozen_record BEGIN
            SELECT RAISE(ABORT, 'frozen records cannot be deleted; freeze a new set under a new name');
        END;
        CREATE TRIGGER frozen_item_text BEFORE UPDATE OF text, external_id, metadata, project_id ON item
        WHEN EXISTS (SELECT 1 FROM frozen_record WHERE item_id = OLD.id) BEGIN
            SELECT RAISE(ABORT, 'this item is in a frozen test set and cannot change');
        END;
        CREATE TRIGGER frozen_item_delete BEFORE DELETE ON item
        WHEN EXISTS (SELECT 1 FROM frozen_record WHERE item_id = OLD.id) BEGIN
            SELECT RAISE(ABORT, 'this item is in a frozen test set and cannot be deleted');
        END;
        CREATE TRIGGER frozen_annotation_insert BEFORE INSERT ON annotation
        WHEN EXISTS (SELECT 1 FROM frozen_record WHERE item_id = NEW.item_id) BEGIN
            SELECT RAISE(ABORT, 'this item is in a frozen test set: it takes no new answers');
        END;
        CREATE TRIGGER frozen_annotation_update BEFORE UPDATE ON annotation
        WHEN EXISTS (SELECT 1 FROM frozen_record WHERE item_id = OLD.item_id) BEGIN
            SELECT RAISE(ABORT, 'answers to a frozen item cannot change');
        END;
        CREATE TRIGGER frozen_annotation_delete BEFORE DELETE ON annotation
        WHEN EXISTS (SELECT 1 FROM frozen_record WHERE item_id = OLD.item_id) BEGIN
            SELECT RAISE(ABORT, 'answers to a frozen item cannot be deleted');
        END;
        CREATE TRIGGER frozen_final_insert BEFORE INSERT ON final_label
        WHEN EXISTS (SELECT 1 FROM frozen_record WHERE item_id = NEW.item_id) BEGIN
            SELECT RAISE(ABORT, 'the final label of a frozen item cannot change');
        END;
        CREATE TRIGGER frozen_final_update BEFORE UPDATE ON final_label
        WHEN EXISTS (SELECT 1 FROM frozen_record WHERE item_id = OLD.item_id) BEGIN
            SELECT RAISE(ABORT, 'the final label of a frozen item cannot change');
        END;
        CREATE TRIGGER frozen_final_delete BEFORE DELETE ON final_label
        WHEN EXISTS (SELECT 1 FROM frozen_record WHERE item_id = OLD.item_id) BEGIN
            SELECT RAISE(ABORT, 'the final label of a frozen item cannot change');
        END;
        CREATE TRIGGER frozen_claim BEFORE INSERT ON claim
        WHEN EXISTS (SELECT 1 FROM frozen_record WHERE item_id = NEW.item_id) BEGIN
            SELECT RAISE(ABORT, 'this item is in a frozen test set: it is not served');
        END;
        """),
        ("v4-history-imports-protection", """
        -- The text hash defines a frozen item's data as much as its text does. (IF EXISTS: a
        -- workspace whose trigger was dropped by hand still upgrades, and gets it back.)
        DROP TRIGGER IF EXISTS frozen_item_text;
        CREATE TRIGGER frozen_item_text BEFORE UPDATE OF text, text_hash, external_id, metadata, project_id ON item
        WHEN EXISTS (SELECT 1 FROM frozen_record WHERE item_id = OLD.id) BEGIN
            SELECT RAISE(ABORT, 'this item is in a frozen test set and cannot change');
        END;

        -- Who loaded an imported answer (source 'import'); NULL for answers given in meow.
        ALTER TABLE annotation ADD COLUMN imported_by TEXT;

        -- Every change to an answer or a final label keeps the value it replaced: what,
        -- who, when and why. Append-only, by the database's own rule.
        CREATE TABLE history (
            id         INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES project(id),
            item_id    INTEGER NOT NULL REFERENCES item(id),
            subject    TEXT NOT NULL CHECK (subject IN ('answer', 'final_label')),
            annotator  TEXT,
            old_value  TEXT CHECK (old_value IS NULL OR json_valid(old_value)),
            new_value  TEXT CHECK (new_value IS NULL OR json_valid(new_value)),
            action     TEXT NOT NULL,
            actor      TEXT NOT NULL,
            reason     TEXT,
            at         TEXT NOT NULL
        ) STRICT;
        CREATE INDEX history_by_item ON history(item_id, id);
        CREATE TRIGGER history_append_only BEFORE UPDATE ON history BEGIN
            SELECT RAISE(ABORT, 'history is append-only');
        END;
        CREATE TRIGGER history_undeletable BEFORE DELETE ON history BEGIN
            SELECT RAISE(ABORT, 'history is append-only');
        END;
        """),
        ("v5-typed-answer-values", """
        -- What an answer says as JSON ({"labels":[...]} today; spans, ratings and pairwise
        -- choices add their own keys), beside the comma-joined label that agreement,
        -- consensus and exports read. Existing answers are filled in from their label: a
        -- label value never holds a comma, and json_quote escapes everything else; an empty
        -- multi-label answer (min_labels: 0) is an empty list. A protection trigger someone
        -- dropped is recreated here rather than failing the upgrade.
        ALTER TABLE annotation ADD COLUMN value TEXT CHECK (value IS NULL OR json_valid(value));
        ALTER TABLE final_label ADD COLUMN value TEXT CHECK (value IS NULL OR json_valid(value));
        DROP TRIGGER IF EXISTS frozen_annotation_update;
        DROP TRIGGER IF EXISTS frozen_final_update;
        UPDATE annotation SET value = CASE WHEN label = '' THEN '{"labels":[]}'
            ELSE '{"labels":[' || replace(json_quote(label), ',', '","') || ']}' END;
        UPDATE final_label SET value = CASE WHEN label = '' THEN '{"labels":[]}'
            ELSE '{"labels":[' || replace(json_quote(label), ',', '","') || ']}' END WHERE label IS NOT NULL;
        CREATE TRIGGER frozen_annotation_update BEFORE UPDATE ON annotation
        WHEN EXISTS (SELECT 1 FROM frozen_record WHERE item_id = OLD.item_id) BEGIN
            SELECT RAISE(ABORT, 'answers to a frozen item cannot change');
        END;
        CREATE TRIGGER frozen_final_update BEFORE UPDATE ON final_label
        WHEN EXISTS (SELECT 1 FROM frozen_record WHERE item_id = OLD.item_id) BEGIN
            SELECT RAISE(ABORT, 'the final label of a frozen item cannot change');
        END;
        """),
        ("v6-claim-guideline-version", """
        -- The guideline version in force when an item was served (or served again): an answer
        -- to it is recorded under that version, which the annotator had acknowledged, even when
        -- a newer one arrived while the item was on screen (until they acknowledge that one).
        -- NULL (claims made before, and the benchmark's raw loop): the version in force when
        -- the answer comes.
        ALTER TABLE claim ADD COLUMN guideline_version INTEGER;
        """),
        ("v7-model-suggestions", """
        -- A model's suggested answer for an item (`meow suggest`): one current row per item and
        -- model, replaced when that model's file is loaded again. `label` and `value` hold the
        -- answer as an annotation's columns do; `score` is the model's confidence, when given.
        CREATE TABLE suggestion (
            id         INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES project(id),
            item_id    INTEGER NOT NULL REFERENCES item(id),
            model      TEXT NOT NULL,
            label      TEXT NOT NULL,
            value      TEXT NOT NULL CHECK (json_valid(value)),
            score      REAL,
            loaded_at  TEXT NOT NULL,
            loaded_by  TEXT NOT NULL,
            UNIQUE (item_id, model)
        ) STRICT;
        CREATE INDEX suggestion_by_project ON suggestion(project_id, model);

        -- Whether the annotator saw a suggestion when answering: the model's name (NULL: none
        -- shown), and whether the answer is the suggestion (1) or overrides it (0).
        ALTER TABLE annotation ADD COLUMN suggestion TEXT;
        ALTER TABLE annotation ADD COLUMN accepted INTEGER CHECK (accepted IN (0, 1));
        """),
        ("v8-item-keys-as-indexes", """
        -- The item's two unique keys become named indexes instead of table constraints, so a
        -- large import can drop them and build them again after loading, by one sort each
        -- (issue 16.1); SQLite cannot drop a table constraint. The table is rebuilt as SQLite's
        -- documented procedure does it (foreign keys are off for this migration: see
        -- `Schema.rebuildsTables`); ids, counters and every column are copied as they are.
        -- `legacy_alter_table` lets the new table take the old name while triggers on other
        -- tables still name `item`.
        PRAGMA legacy_alter_table = ON;
        CREATE TABLE item_v8 (
        \(itemColumns)
        ) STRICT;
        INSERT INTO item_v8(id, project_id, external_id, text, text_hash, metadata, priority, qkey, need, done_count, claim_count)
            SELECT id, project_id, external_id, text, text_hash, metadata, priority, qkey, need, done_count, claim_count FROM item ORDER BY id;
        DROP TABLE item;
        ALTER TABLE item_v8 RENAME TO item;
        PRAGMA legacy_alter_table = OFF;
        CREATE UNIQUE INDEX item_external ON item(project_id, external_id);
        CREATE UNIQUE INDEX item_text ON item(project_id, text_hash);
        CREATE INDEX item_open ON item(project_id, qkey) WHERE taken < need;
        -- The item's own protection triggers went with the old table.
        CREATE TRIGGER frozen_item_text BEFORE UPDATE OF text, text_hash, external_id, metadata, project_id ON item
        WHEN EXISTS (SELECT 1 FROM frozen_record WHERE item_id = OLD.id) BEGIN
            SELECT RAISE(ABORT, 'this item is in a frozen test set and cannot change');
        END;
        CREATE TRIGGER frozen_item_delete BEFORE DELETE ON item
        WHEN EXISTS (SELECT 1 FROM frozen_record WHERE item_id = OLD.id) BEGIN
            SELECT RAISE(ABORT, 'this item is in a frozen test set and cannot be deleted');
        END;
        """),
        ("v9-annotator-tally", """
        -- Each annotator's answers per project, kept by the answer triggers like the item
        -- counters: status, the labeling screen and the annotators report read one row per
        -- annotator instead of counting their answers. No CHECK on the count: it is derived,
        -- and a tally someone edited must not stop an undo (`meow doctor` reports the drift).
        CREATE TABLE annotator_tally (
            project_id INTEGER NOT NULL REFERENCES project(id),
            annotator  TEXT NOT NULL,
            answers    INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (project_id, annotator)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO annotator_tally(project_id, annotator, answers)
            SELECT project_id, annotator, count(*) FROM annotation GROUP BY project_id, annotator;
        -- Only queue answers are looked up by annotator now (undo, gold turns, flags); an index
        -- that also held every imported answer cost an import of a million labels 0.85 s of
        -- its 1.7 s of inserts (50 annotators: 50 places in the index that take rows at once).
        -- IF EXISTS: a workspace whose trigger or index someone dropped still upgrades (and
        -- gets them back), so `meow doctor` can open it.
        DROP INDEX IF EXISTS annotation_by_annotator;
        CREATE INDEX annotation_queue_by_annotator ON annotation(project_id, annotator, id) WHERE source = 'queue';
        DROP TRIGGER IF EXISTS annotation_counts_insert;
        DROP TRIGGER IF EXISTS annotation_counts_delete;
        \(tallyTriggers)
        """),
        ("v10-agreement-snapshot", """
        -- `meow agreement` keeps each project's answers, coded, in `agreement_snapshot` with
        -- the id of the project's newest answer in it, and reads only the answers with higher
        -- ids. That holds while none of the project's answers is taken back or changed: these
        -- triggers count such changes per project, and a snapshot taken under another count
        -- is not used. The snapshot is derived data; deleting it loses nothing.
        ALTER TABLE project ADD COLUMN answers_rewritten INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE agreement_snapshot (
            project_id    INTEGER PRIMARY KEY REFERENCES project(id),
            newest_answer INTEGER NOT NULL,
            rewritten     INTEGER NOT NULL,
            setup         TEXT NOT NULL,
            answers       INTEGER NOT NULL,
            data          BLOB NOT NULL
        ) STRICT;
        \(rewriteTriggers)
        """),
    ]

    /// The item table's columns, as migration v1 created them and v8 rebuilt them.
    private static let itemColumns = """
        id          INTEGER PRIMARY KEY,
        project_id  INTEGER NOT NULL REFERENCES project(id),
        external_id TEXT NOT NULL,
        text        TEXT NOT NULL,
        text_hash   BLOB NOT NULL,
        metadata    TEXT CHECK (metadata IS NULL OR json_valid(metadata)),
        priority    INTEGER NOT NULL DEFAULT 0,
        qkey        INTEGER NOT NULL,
        need        INTEGER NOT NULL CHECK (need >= 1),
        done_count  INTEGER NOT NULL DEFAULT 0 CHECK (done_count >= 0),
        claim_count INTEGER NOT NULL DEFAULT 0 CHECK (claim_count >= 0),
        taken       INTEGER GENERATED ALWAYS AS (done_count + claim_count) STORED
    """

    /// Migrations that rebuild a table: SQLite's procedure needs foreign keys off (a pragma
    /// that only takes effect outside a transaction) and a foreign-key check before commit.
    static let rebuildsTables: Set<String> = ["v8-item-keys-as-indexes"]

    /// The item's secondary indexes, which a large import drops and builds again after loading.
    static let itemIndexes = [
        "CREATE UNIQUE INDEX item_external ON item(project_id, external_id)",
        "CREATE UNIQUE INDEX item_text ON item(project_id, text_hash)",
        "CREATE INDEX item_open ON item(project_id, qkey) WHERE taken < need",
    ]

    static var version: Int { migrations.count }
}

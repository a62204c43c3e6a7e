import ArgumentParser

/// Every command names itself (`commandName:`): without it ArgumentParser derives each of the
/// ~30 names from the type's name at every start (`String(describing:)`, a protocol-conformance
/// scan per type), 4 of the 11 ms a `meow` process took before doing anything.
@main
struct Meow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meow",
        abstract: "A terminal workbench for labeling data: guidelines, a task queue, agreement, frozen test sets.",
        version: "0.1.0",
        subcommands: [
            Demo.self, Init.self, Import.self, ImportAnnotations.self,
            Label.self, Next.self, Submit.self, Suggest.self, Skip.self, Release.self, Status.self, Export.self, Agreement.self, Report.self,
            Ack.self, Qualification.self, Annotators.self,
            ConsensusCommand.self, Review.self, Freeze.self, Verify.self, Baselines.self, Evaluate.self,
            GuidelineCommand.self, History.self, Backup.self, Doctor.self, Migrate.self, Man.self,
        ]
    )
}

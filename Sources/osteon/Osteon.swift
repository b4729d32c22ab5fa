import ArgumentParser
import Foundation
import OsteonDomain

@main
struct Osteon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "osteon",
        abstract: "Osteon: care of primary bone tumours and skeletal metastases.",
        discussion: """
            Clinical scores, staging and dosing rules with their rationale and citation.
            Every result says where its numbers come from; missing input is reported, never defaulted.

            Examples:
              osteon score --list
              echo '{"site":"lower_limb","pain":"functional","lesion_type":"lytic","size":"gt_two_thirds"}' | osteon score mirels
              osteon score sins --input lesion.json --format json
            """,
        version: "0.1.0",
        subcommands: [ScoreCommand.self, AssessCommand.self, HandoutCommand.self, ScreenCommand.self, SynthCommand.self,
                      ServeCommand.self, MigrateCommand.self, ImportCommand.self, DemoCommand.self, UserCommand.self,
                      AuditCommand.self, BackupCommand.self, RestoreCommand.self, OutcomesCommand.self]
    )
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

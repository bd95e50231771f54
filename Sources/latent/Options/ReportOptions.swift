import ArgumentParser

/// What a batch subcommand prints.
struct ReportOptions: ParsableArguments {
    @Flag(help: "No progress line and no notes; failures and the summary are still printed.")
    var quiet = false

    @Flag(help: "Print one JSON object per file on stdout (input, output, status: ok|skipped|error, error, ms), then a summary object.")
    var json = false
}

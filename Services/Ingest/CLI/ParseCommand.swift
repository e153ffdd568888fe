import ArgumentParser
import Foundation
import ZhibiaoExtraction

/// `zhibiao-ingest parse FILE...`: the extraction engine on files, without a database. One JSON object per fact (or
/// per money amount with `--money`) per line; a file that cannot be read or decoded is reported on stderr and the
/// others are still processed, with exit code 1 at the end.
struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse", abstract: "Extract indicator facts (or, with --money, every money amount) from report files.")

    @Argument(help: "Report files (UTF-8, UTF-16 with BOM, or GB18030).") var files: [String]
    @Flag(help: "Print every money amount in the gold money format instead of facts.") var money = false
    @Option(help: "Indicator TSV merged over the built-in table (default: $ZHIBIAO_INDICATORS).") var indicators: String?

    func run() throws {
        let extractor: Extractor
        do {
            extractor = try Extractor(indicatorsPath: indicators)
        } catch {
            FileHandle.standardError.write(Data("zhibiao-ingest parse: \(error)\n".utf8))
            throw ExitCode(2)
        }
        var failed = false
        var output = ""
        for file in files {
            let doc = URL(fileURLWithPath: file).lastPathComponent
            do {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw ExtractionError(.unreadable, file: file, detail: "cannot read the file")
                }
                let text = try extractor.decode([UInt8](data), doc: file)
                func emit(_ line: String) {
                    output += line
                    output += "\n"
                    if output.utf8.count > 1 << 20 {
                        FileHandle.standardOutput.write(Data(output.utf8))
                        output.removeAll(keepingCapacity: true)
                    }
                }
                if money {
                    for amount in extractor.money(in: text, doc: doc) { emit(JSONLine.money(amount)) }
                } else {
                    // Article by article: a large file never holds all of its facts in memory.
                    extractor.facts(in: text, doc: doc) { facts in for fact in facts { emit(JSONLine.fact(fact)) } }
                }
                FileHandle.standardOutput.write(Data(output.utf8))
                output.removeAll(keepingCapacity: true)
            } catch {
                FileHandle.standardError.write(Data("zhibiao-ingest parse: \(error)\n".utf8))
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}

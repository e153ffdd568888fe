import ArgumentParser
import Foundation
import ZhibiaoExtraction

/// `zhibiao-ingest parse FILE|DIR...`: the extraction engine on files, without a database. One JSON object per fact
/// (or per money amount with `--money`) per line; a file that cannot be read or decoded is reported on stderr and the
/// others are still processed, with exit code 1 at the end.
struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Extract indicator facts (or, with --money, every money amount) from report files.")

    @Argument(help: "Report files or folders (UTF-8, UTF-16 with BOM, or GB18030).") var files: [String]
    @Flag(help: "Print every money amount in the gold money format instead of facts.") var money = false
    @Flag(
        help:
            "Add to each fact the sentence shape that produced it (`rule`), and print each article (its title, subject, year, whether it sets targets) before its facts."
    )
    var explain = false
    @Option(help: "The publication date (YYYY-MM-DD), used when a text carries no date line.") var publishedOn: String?
    @Option(help: "A place the reports are about (name or gazetteer code), used when a text names none.")
    var regionHint: String?
    @OptionGroup var extraction: ExtractionOptions

    func validate() throws {
        if let publishedOn, CalendarDate(iso: publishedOn) == nil {
            throw ValidationError("--published-on must be a date as YYYY-MM-DD, not '\(publishedOn)'")
        }
    }

    func run() throws {
        let extractor: Extractor
        do {
            extractor = try Extractor(indicatorsPath: extraction.indicatorsPath)
        } catch {
            FileHandle.standardError.write(Data("zhibiao-ingest parse: \(error)\n".utf8))
            throw ExitCode(2)
        }
        var failed = false
        var output = ""
        func emit(_ line: String) {
            output += line
            output += "\n"
            if output.utf8.count > 1 << 20 { flush() }
        }
        func flush() {
            FileHandle.standardOutput.write(Data(output.utf8))
            output.removeAll(keepingCapacity: true)
        }
        for file in expanded(files) {
            let doc = URL(fileURLWithPath: file).lastPathComponent
            do {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw ExtractionError(.unreadable, file: file, detail: "cannot read the file")
                }
                let text = try extractor.decode([UInt8](data), doc: file)
                if money {
                    for amount in extractor.money(in: text, doc: doc) { emit(JSONLine.money(amount)) }
                } else {
                    let source = DocumentSource(
                        name: doc, publishedOn: publishedOn.flatMap(CalendarDate.init(iso:)), regionHint: regionHint)
                    // Article by article: a large file never holds all of its facts in memory.
                    try extractor.read(text, source: source) { article, facts in
                        if explain { emit(JSONLine.article(article, doc: doc)) }
                        for fact in facts { emit(JSONLine.fact(fact, explain: explain)) }
                    }
                }
                flush()
            } catch {
                FileHandle.standardError.write(Data("zhibiao-ingest parse: \(error)\n".utf8))
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }

    /// Files as given, folders as the regular files they hold (sorted, hidden files skipped).
    func expanded(_ paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
                let names = try? FileManager.default.contentsOfDirectory(atPath: path)
            else { return [path] }
            return names.filter { !$0.hasPrefix(".") }.sorted().map { (path as NSString).appendingPathComponent($0) }
        }
    }
}

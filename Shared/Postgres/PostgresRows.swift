import Foundation

/// The rows of one statement's result, copied out of libpq (text format) so they can cross threads.
public struct PostgresRows: Sendable, Sequence {
    /// Column names, in order.
    public let columns: [String]
    /// Rows × columns; `nil` is SQL NULL.
    let cells: [[String?]]
    /// The command tag's row count (`INSERT 0 5` → 5), for statements that return no rows.
    public let affectedRows: Int

    init(columns: [String], cells: [[String?]], affectedRows: Int) {
        self.columns = columns
        self.cells = cells
        self.affectedRows = affectedRows
    }

    public var count: Int { cells.count }
    public var isEmpty: Bool { cells.isEmpty }
    public var first: PostgresRow? { cells.first.map { PostgresRow(columns: columns, values: $0) } }

    public subscript(_ index: Int) -> PostgresRow { PostgresRow(columns: columns, values: cells[index]) }

    public func makeIterator() -> some IteratorProtocol<PostgresRow> {
        cells.lazy.map { [columns] in PostgresRow(columns: columns, values: $0) }.makeIterator()
    }
}

/// One row; decode its columns by position or by name.
public struct PostgresRow: Sendable {
    public let columns: [String]
    public let values: [String?]

    /// Decodes column `index` as `T`; an `Optional` type accepts NULL, any other type throws on NULL.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at index: Int) throws -> T {
        guard index < values.count else {
            throw PostgresError(code: .decoding, message: "no column \(index) (the row has \(values.count))")
        }
        do {
            return try T.decode(postgresText: values[index])
        } catch let error as PostgresError {
            throw PostgresError(code: .decoding, message: "column \(columns[index]): \(error.message)")
        }
    }

    /// Decodes the column named `name`.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, column name: String) throws -> T {
        guard let index = columns.firstIndex(of: name) else {
            throw PostgresError(code: .decoding, message: "no column named \(name)")
        }
        return try decode(type, at: index)
    }
}

import Foundation
import ZhibiaoPostgres
import ZhibiaoSchema

/// Brings a database up to what this ingest build expects: the schema migrations, then the indicator catalogue of
/// its parser (built-in `indicators.tsv` plus the user's additions) upserted into `zhibiao.indicators`, which the
/// reporting service validates indicator ids against. Safe to run concurrently and repeatedly.
public enum SchemaSetup {
    /// Returns the migration versions this call applied.
    @discardableResult
    public static func prepare(_ connection: PostgresConnection, indicators: [IndicatorDefinition]) throws -> [Int] {
        let applied = try Migrator().migrate(connection)
        try connection.transaction { connection in
            for indicator in indicators {
                try connection.query(
                    """
                    INSERT INTO zhibiao.indicators (id, unit_class, flow, names, note)
                    VALUES ($1, $2, $3, $4::text[], $5)
                    ON CONFLICT (id) DO UPDATE SET unit_class = EXCLUDED.unit_class, flow = EXCLUDED.flow,
                        names = EXCLUDED.names, note = EXCLUDED.note
                    WHERE (zhibiao.indicators.unit_class, zhibiao.indicators.flow, zhibiao.indicators.names,
                           zhibiao.indicators.note)
                        IS DISTINCT FROM (EXCLUDED.unit_class, EXCLUDED.flow, EXCLUDED.names, EXCLUDED.note)
                    """,
                    [
                        indicator.id, indicator.unitClass, indicator.flow, PostgresArray(indicator.names),
                        indicator.note,
                    ])
            }
        }
        return applied
    }
}

import CSV

/// One report table as RFC 4180 CSV through the CSV module: a header row, CRLF records, dot decimals and
/// ISO dates exactly as the warehouse formatted them (the HTML shows the same text), NULL as an empty
/// field, and text cells starting with `=`, `+`, `-`, `@` neutralised against formula injection (plain
/// numbers such as `-0.4` stay numbers). Text cells lose what `UntrustedText` removes (terminal escapes,
/// bidirectional overrides) and keep their whole length.
public enum ReportCSVExporter {
  public static func csv(_ table: ReportTable) -> String {
    var writer = CSVWriter(lineEnding: "\r\n", neutralizeFormulas: true)
    writer.record(table.columns)
    for row in table.rows {
      for value in row {
        if let value, ReportTable.isPlainNumber(value) {
          writer.number(value)
        } else {
          writer.field(value.map(UntrustedText.cleaned))
        }
      }
      writer.endRecord()
    }
    return writer.output
  }
}

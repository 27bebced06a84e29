/// A named check on a staged source row: the row fails when `condition` is true.
///
/// `condition` and `detail` are SQL expressions over the checked row (the staged source columns plus the
/// looked-up parent columns of `TableLoad.enrichment`). They are constants of the program, never data.
/// Rules are evaluated in order; a row is quarantined under the first rule it fails.
struct ValidationRule: Sendable {
  let name: String
  let condition: String
  let detail: String
}

import CSV
import Foundation
import Testing

@testable import PricingModel

/// Writes `text` to a fresh temporary file and returns its path.
private func temporaryFile(_ text: String) throws -> String {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("regress-\(UUID().uuidString).csv").path
  try Data(text.utf8).write(to: URL(fileURLWithPath: path))
  return path
}

/// The parts of `GLMData` a reader fills, comparable as a whole.
private struct LoadedTable: Equatable {
  var response: [Double]
  var offset: [Double]?
  var columnNames: [String]
  var numerics: [[Double]]
  var levels: [[String]]
  var codes: [[Int32]]

  init(_ data: GLMData) {
    response = data.response
    offset = data.offset
    columnNames = data.design.columnNames
    numerics = data.design.numerics.map(\.values)
    levels = data.design.categoricals.map(\.levels)
    codes = data.design.categoricals.map(\.codes)
  }
}

@Suite("Regression CSV into columns")
struct RegressionTableTests {
  /// 500 rows: a count, an exposure, two categoricals (levels first seen in no sorted order) and a number.
  static let text: String = {
    var text = "y,city,x,category,exposure\n"
    let cities = ["zurich", "bern", "chur", "aarau", "basel"]
    for row in 0..<500 {
      text += "\(row % 9),\(cities[(row * 7) % 5]),\(Double(row % 13) / 4 - 1.5),c\((row * 3) % 11),\(1 + row % 4)\n"
    }
    return text
  }()

  static let specification = RegressionTable.Specification(
    response: "y", offset: "exposure", categorical: ["category", "city"])

  @Test("one thread or many ranges: the same table, levels sorted", arguments: [2, 3, 7])
  func rangesGiveTheSameTable(threads: Int) throws {
    let path = try temporaryFile(Self.text)
    let sequential = LoadedTable(try RegressionTable.load(path: path, specification: Self.specification, threads: 1))
    let split = LoadedTable(
      try RegressionTable.load(path: path, specification: Self.specification, threads: threads, minimumRangeBytes: 64))
    #expect(split == sequential)
    #expect(sequential.response.count == 500)
    #expect(sequential.levels[0] == ["aarau", "basel", "bern", "chur", "zurich"])
  }

  @Test(
    "empty lines: later ranges placed by their line feeds are moved down to their rows, or read into buffers when the empty lines outnumber the bound; the one-thread table",
    arguments: [(40, 2), (40, 3), (7, 7), (0, 2)])
  func emptyLines(every: Int, threads: Int) throws {
    // Every `every`-th record followed by an empty line; with 0, 3,000 empty lines before the records
    // (more line feeds than the file's bytes over its width: no later range fits in place).
    var text = "y,city,x,category,exposure\n" + (every == 0 ? String(repeating: "\n", count: 3_000) : "")
    for (index, line) in Self.text.split(separator: "\n").dropFirst().enumerated() {
      text += line + "\n" + (every > 0 && index % every == 0 ? "\n" : "")
    }
    let path = try temporaryFile(text)
    let sequential = LoadedTable(try RegressionTable.load(path: path, specification: Self.specification, threads: 1))
    let split = LoadedTable(
      try RegressionTable.load(path: path, specification: Self.specification, threads: threads, minimumRangeBytes: 64))
    #expect(split == sequential)
    #expect(
      split
        == LoadedTable(try RegressionTable.load(path: try temporaryFile(Self.text), specification: Self.specification)))
  }

  @Test(
    "written in place or copied from range buffers (a file too big to reserve for): the same table",
    arguments: [1, 2, 3])
  func inPlaceOrCopied(threads: Int) throws {
    let path = try temporaryFile(Self.text)
    let inPlace = try RegressionTable.load(
      path: path, specification: Self.specification, threads: threads, minimumRangeBytes: 64, inPlaceLimit: .max)
    let copied = try RegressionTable.load(
      path: path, specification: Self.specification, threads: threads, minimumRangeBytes: 64, inPlaceLimit: 0)
    #expect(LoadedTable(inPlace) == LoadedTable(copied))
    #expect(inPlace.response.count == 500)
    #expect(inPlace.design.columnNames == copied.design.columnNames)
  }

  @Test("a quoted level (a comma, a newline) makes one reader read the file, in place, to the same table")
  func quotedLevelsFallBackToOneReader() throws {
    var lines = Self.text.split(separator: "\n").map(String.init)
    lines[3] = "3,\"bern,\nnord\",0.5,c1,2"
    let path = try temporaryFile(lines.joined(separator: "\n") + "\n")
    let split = try RegressionTable.load(
      path: path, specification: Self.specification, threads: 3, minimumRangeBytes: 64)
    let sequential = try RegressionTable.load(path: path, specification: Self.specification, threads: 1)
    #expect(LoadedTable(split) == LoadedTable(sequential))
    #expect(split.response.count == 500)
    #expect(LoadedTable(split).levels[0].contains("bern,\nnord"))
  }

  @Test("categoricals are coded under their own names whatever order the flags name them in")
  func categoricalOrderFollowsTheHeader() throws {
    let path = try temporaryFile("y,city,category\n1,bern,a\n2,chur,b\n3,bern,b\n")
    let data = try RegressionTable.load(
      path: path, specification: .init(response: "y", categorical: ["category", "city"]))
    #expect(data.design.columnNames == ["(Intercept)", "city[chur]", "category[b]"])
    #expect(data.design.categoricals.map(\.codes) == [[0, 1, 0], [0, 1, 1]])
  }

  @Test("a bad value in a later range names the file's line and the column")
  func errorInALaterRange() throws {
    var lines = Self.text.split(separator: "\n").map(String.init)
    lines[420] = "3,bern,NaN,c1,2"
    let path = try temporaryFile(lines.joined(separator: "\n") + "\n")
    let error = #expect(throws: CSVError.self) {
      _ = try RegressionTable.load(path: path, specification: Self.specification, threads: 4, minimumRangeBytes: 64)
    }
    #expect(error?.description == "\(path):421: column x: value is not a finite number: \"NaN\"")
  }
}

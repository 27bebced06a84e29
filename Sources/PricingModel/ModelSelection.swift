import Foundation

/// Chooses the demand model's structure by rolling-origin backtests (docs/model.md).
///
/// Fold f (1...folds) holds out the `foldDays` days from origin_f = end - f x foldDays and fits each
/// candidate on the days before origin_f only (a fold never sees its own days or later ones). The
/// candidates are raced by successive halving: each is scored on the most recent fold, the
/// `config.backtestFinalists` best of them on every fold, and the finalist with the lowest mean WAPE over the folds wins; ties go to
/// the simpler (earlier) candidate. A
/// fold whose training would span fewer than `minimumTrainingDays` is skipped; with no fold left the
/// fallback structure is used, and says so.
public enum ModelSelection {
  public struct Outcome: Sendable {
    public var structure: DemandStructure
    public var scores: [BacktestScore]
    /// Why the structure is what it is, in words (terms cut back for a short history, skipped folds).
    public var notes: [String]
    /// The chosen candidate's out-of-sample bookings and predicted means over all folds (for the
    /// interval dispersion).
    public var outOfSample: (actual: [Double], predicted: [Double])
  }

  public static let minimumTrainingDays = 180

  /// `cells` must end before `end` (the validation holdout's first day); `makeFeatures` builds a design for
  /// a structure and the cells it is fitted on.
  public static func choose(
    cells: [DemandCell], end: CalendarDay, config: DemandModelConfig,
    makeFeatures: (DemandStructure, [DemandCell]) -> DemandFeatures
  ) throws -> Outcome {
    guard let firstDay = cells.map(\.date).min() else {
      return Outcome(structure: config.structure, scores: [], notes: ["no history: default structure"], outOfSample: ([], []))
    }
    var notes: [String] = []
    let trainingDays = end.daysSinceEpoch - firstDay.daysSinceEpoch
    guard config.selectStructure else {
      let (structure, dropped) = config.structure.supported(historyDays: trainingDays)
      return Outcome(structure: structure, scores: [], notes: ["structure set by model.select_structure = false"] + dropped,
                     outOfSample: ([], []))
    }
    // Folds with enough training for every candidate's terms (so that a short early fold does not cut the
    // candidates back) where there are any, else those with at least `minimumTrainingDays`.
    let all = (1...max(1, config.backtestFolds)).map { end.adding(days: -$0 * config.foldDays) }
    func training(_ origin: CalendarDay) -> Int { origin.daysSinceEpoch - firstDay.daysSinceEpoch }
    let rich = all.filter { training($0) >= DemandStructure.daysForRichSeason }
    let needed = rich.isEmpty ? minimumTrainingDays : DemandStructure.daysForRichSeason
    let origins = rich.isEmpty ? all.filter { training($0) >= minimumTrainingDays } : rich
    if origins.count < config.backtestFolds {
      notes.append(
        "\(config.backtestFolds - origins.count) of \(config.backtestFolds) backtest folds skipped: under \(needed) days of training before them")
    }
    guard !origins.isEmpty else {
      let (structure, dropped) = config.structure.supported(historyDays: trainingDays)
      return Outcome(structure: structure, scores: [], notes: notes + ["no backtest fold: default structure"] + dropped,
                     outOfSample: ([], []))
    }
    // Candidates as the shortest fold's training supports them, without duplicates; what is cut, and why,
    // is said.
    let shortest = origins.map { $0.daysSinceEpoch - firstDay.daysSinceEpoch }.min()!
    var candidates: [DemandStructure] = []
    for candidate in DemandStructure.candidates {
      let (supported, dropped) = candidate.supported(historyDays: shortest)
      for reason in dropped where !notes.contains("backtests: " + reason) { notes.append("backtests: " + reason) }
      if !candidates.contains(supported) { candidates.append(supported) }
    }
    var scores: [BacktestScore] = []
    var pooled: [[(Double, Double)]] = []
    let foldCells = origins.map { origin in
      (
        training: cells.filter { $0.date < origin },
        test: cells.filter { $0.date >= origin && $0.date < origin.adding(days: config.foldDays) && $0.capacity > 0 }
      )
    }
    // Each fold's last fitted means: the next candidate's fit of the same days starts from them.
    var warm = [[Double]?](repeating: nil, count: origins.count)
    var foldConfig = config
    foldConfig.forPredictionOnly = true
    /// Fits `candidate` on fold `index` and scores it; its out-of-sample pairs are added to `pairs`.
    func score(_ candidate: DemandStructure, fold index: Int, pairs: inout [(Double, Double)]) throws
      -> BacktestScore.Fold?
    {
      let (training, test) = foldCells[index]
      guard !test.isEmpty else { return nil }
      let model = try DemandModel.fit(
        training, features: makeFeatures(candidate, training), config: foldConfig, startingMean: warm[index])
      warm[index] = model.glm.fittedMeans
      let demands = test.map { model.predict($0) }
      let predicted = zip(test, demands).map { model.observed(demand: $1, cell: $0) }
      let actual = test.map(\.bookings)
      let metrics = Validation.metrics(actual: actual, predicted: predicted)
      // With bound capacity, days that did not sell out and have five slots or more (few slots leave
      // only the days of few bookings, whose spread says little of demand's).
      for (index, cell) in test.enumerated()
      where !model.boundByCapacity || (!cell.soldOut && cell.slots >= 5) {
        pairs.append((actual[index], demands[index]))
      }
      return .init(
        origin: origins[index].description, wape: metrics.wape, deviance_explained: metrics.deviance_explained,
        actual: metrics.bookings, predicted: metrics.predicted)
    }
    // Successive halving: every candidate on the most recent fold, the `finalists` best of them on the others.
    var folds = [[BacktestScore.Fold]](repeating: [], count: candidates.count)
    pooled = [[(Double, Double)]](repeating: [], count: candidates.count)
    for (index, candidate) in candidates.enumerated() {
      if let fold = try score(candidate, fold: 0, pairs: &pooled[index]) { folds[index].append(fold) }
    }
    let finalists = Array(
      candidates.indices.sorted { (folds[$0].first?.wape ?? .infinity, $0) < (folds[$1].first?.wape ?? .infinity, $1) }
        .prefix(max(1, config.backtestFinalists))
    ).sorted()
    for index in finalists {
      for fold in origins.indices.dropFirst() {
        if let scored = try score(candidates[index], fold: fold, pairs: &pooled[index]) { folds[index].append(scored) }
      }
    }
    for (index, candidate) in candidates.enumerated() {
      let mean = folds[index].isEmpty ? nil : folds[index].map(\.wape).reduce(0, +) / Double(folds[index].count)
      scores.append(
        BacktestScore(
          structure: candidate.description, season_harmonics: candidate.seasonHarmonics,
          category_weekday: candidate.categoryWeekday, trend: candidate.trend,
          deviation_penalty: candidate.deviationPenalty, folds: folds[index], mean_wape: mean,
          finalist: finalists.contains(index), chosen: false))
    }
    // The finalist with the lowest mean over all folds (ties: the simpler, earlier one).
    var best = finalists[0]
    for index in finalists {
      if let wape = scores[index].mean_wape, wape.isFinite, wape < (scores[best].mean_wape ?? .infinity) - 1e-9 {
        best = index
      }
    }
    scores[best].chosen = true
    let (structure, dropped) = candidates[best].supported(historyDays: trainingDays)
    return Outcome(
      structure: structure, scores: scores, notes: notes + dropped,
      outOfSample: (pooled[best].map(\.0), pooled[best].map(\.1)))
  }
}

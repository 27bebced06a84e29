/// The version of this program: `pricing --version` prints it and every `runs` row records it. It is the
/// repository's `VERSION` file, which a test keeps equal to this constant (bump both in a release).
public enum ProgramVersion {
  public static let current = "0.12.0"
}

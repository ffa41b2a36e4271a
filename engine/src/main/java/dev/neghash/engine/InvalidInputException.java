package dev.neghash.engine;

/**
 * Input the engine refuses (non-finite values, mismatched shapes, unsupported formats), with a
 * message meant for the user: it names the problem and, where there is one, the row.
 */
public class InvalidInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a user-facing message. */
  public InvalidInputException(String message) {
    super(message);
  }

  /** Creates the exception with a user-facing message and the underlying cause. */
  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}

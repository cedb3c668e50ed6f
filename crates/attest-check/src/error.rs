//! The library's error type. Every message names the input it is about and,
//! where it can, says what to do.

/// Errors from reading inputs, resolving columns and configuration.
///
/// Problems *inside* the data (a column that cannot be compared, a metric that
/// is undefined) are not errors: they become `error` or `skipped` checks in the
/// report so that one bad column never hides the others.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A byte source could not be read.
    #[error("{name}: cannot read: {error}")]
    Io {
        name: String,
        // Not a `source`: the message already carries it, and error chains
        // would print it twice.
        error: std::io::Error,
    },
    /// The bytes are not a readable Parquet file (bad magic, truncated footer, corrupt pages).
    #[error("{name}: not a readable Parquet file: {message}")]
    Parquet { name: String, message: String },
    /// A table in memory (a data frame) whose column cannot be read.
    #[error("{name}: {message}")]
    Frame { name: String, message: String },
    /// The bytes are not a readable CSV file.
    #[error("{name}: not a readable CSV file: {message}")]
    Csv { name: String, message: String },
    /// The format could not be recognised.
    #[error("{name}: unsupported file format (expected Parquet or CSV): {message}")]
    Format { name: String, message: String },
    /// A column named in the roles or the configuration does not exist.
    #[error(
        "{dataset} ({name}): no column `{column}` (the {role}); available columns: {available}"
    )]
    MissingColumn {
        dataset: String,
        name: String,
        column: String,
        role: String,
        available: String,
    },
    /// A dataset holds no rows.
    #[error("{dataset} ({name}): the file has no rows; a check needs at least one row")]
    Empty { dataset: String, name: String },
    /// Two columns of one file share a name.
    #[error("{name}: two columns are named `{column}`; column names must be unique")]
    DuplicateColumn { name: String, column: String },
    /// The file claims more rows than can be held in memory.
    #[error("{name}: {rows} rows do not fit in memory")]
    TooLarge { name: String, rows: u64 },
    /// Decoding would pass a limit of [`crate::read::Limits`].
    #[error("{name}: {message}")]
    Limit { name: String, message: String },
    /// The caller cancelled the run (see `run::Progress::cancelled`).
    #[error("the run was cancelled")]
    Cancelled,
    /// The configuration is invalid.
    #[error("configuration: {0}")]
    Config(String),

    #[error("sign-off: {0}")]
    Signature(String),
    /// The viewer's files cannot be put into one HTML file.
    #[error("one-file HTML: {0}")]
    Bundle(String),
    /// A report document is malformed or exceeds the viewer's limits.
    #[error("not a readable Attest report: {0}")]
    Report(String),
    /// A model file cannot be read, or cannot be fed from the datasets.
    #[error("model: {0}")]
    Model(String),
    /// A column could not be converted to the kind asked for.
    #[error("{dataset} ({name}): column `{column}`: {message}")]
    Column {
        dataset: String,
        name: String,
        column: String,
        message: String,
    },
}

/// Shorthand for the library's results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

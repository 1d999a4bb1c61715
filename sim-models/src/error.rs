//! Errors of `sim-models`: reading, parsing and validating scenarios.
//!
//! Every problem with a scenario's content is a [`Problem`] that names the
//! path of the bad field (`workload.regions[2].rps: must be ≥ 0`), and
//! validation reports all of them at once, not only the first.

use std::fmt;
use std::path::PathBuf;

/// `Result` with [`ScenarioError`] as the default error.
pub type Result<T, E = ScenarioError> = std::result::Result<T, E>;

/// One thing wrong with a scenario, at a field path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Where: `fleet.versions[0].service_p99`; `.` is the whole scenario.
    pub path: String,
    /// What is wrong, e.g. `must be ≥ 0 (got -5)`.
    pub message: String,
}

impl Problem {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    /// `path: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// The scenario file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// YAML (`.yaml`, `.yml`).
    Yaml,
    /// JSON (`.json`).
    Json,
    /// TOML (`.toml`).
    Toml,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Yaml => "YAML",
            Format::Json => "JSON",
            Format::Toml => "TOML",
        })
    }
}

/// Why a scenario could not be loaded or is not valid.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario file {}: {source}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The file's extension names no known format.
    #[error(
        "cannot tell the format of scenario file {}: expected the extension .yaml, .yml, .json or .toml",
        file.display()
    )]
    UnknownFormat {
        /// The file.
        file: PathBuf,
    },
    /// The text is not well-formed YAML, JSON or TOML.
    #[error("{}invalid {format}: {message}", file_prefix(file))]
    Syntax {
        /// The file, when loading from a file.
        file: Option<PathBuf>,
        /// The format being parsed.
        format: Format,
        /// Line of the error (1-based), when the parser knows it.
        line: Option<usize>,
        /// Column of the error (1-based), when the parser knows it.
        column: Option<usize>,
        /// The parser's message (it may already mention the line).
        message: String,
    },
    /// The scenario is well-formed but wrong: wrong types, unknown fields or
    /// values that fail validation. Each problem names its field's path.
    #[error("{}{}", file_prefix(file), list(problems))]
    Invalid {
        /// The file, when loading from a file.
        file: Option<PathBuf>,
        /// Every problem found, in field order.
        problems: Vec<Problem>,
    },
}

/// The path of field `name` inside a config embedded at `prefix`
/// (`prefix.name`, or just `name` at the top).
pub fn field_path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

impl ScenarioError {
    /// `Ok(())` without problems, else [`ScenarioError::Invalid`] listing them all.
    pub fn check(problems: Vec<Problem>) -> Result<()> {
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ScenarioError::invalid(problems))
        }
    }

    /// An [`ScenarioError::Invalid`] without a file.
    pub fn invalid(problems: Vec<Problem>) -> Self {
        ScenarioError::Invalid {
            file: None,
            problems,
        }
    }

    /// The content problems (empty for I/O, format and syntax errors).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ScenarioError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }

    /// Names `file` as the source of the error, if it names none yet.
    pub fn in_file(mut self, path: impl Into<PathBuf>) -> Self {
        match &mut self {
            ScenarioError::Syntax { file, .. } | ScenarioError::Invalid { file, .. }
                if file.is_none() =>
            {
                *file = Some(path.into());
            }
            _ => {}
        }
        self
    }
}

fn file_prefix(file: &Option<PathBuf>) -> String {
    match file {
        Some(f) => format!("in scenario file {}:\n", f.display()),
        None => String::new(),
    }
}

fn list(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(Problem::to_string).collect();
    lines.join("\n")
}

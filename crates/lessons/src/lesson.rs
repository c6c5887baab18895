//! What a lesson is once parsed: settings, a start state, and steps made of prose, code the
//! learner runs, example output, hints and checks.

/// A lesson, as written in `lessons/NAME.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// The file name without `.md`; `?lesson=NAME` in the page.
    pub name: String,
    pub title: String,
    /// `kind` or `kind-multi`.
    pub preset: String,
    /// The simulation's seed, so generated names are the same for every learner.
    pub seed: u64,
    /// What the lesson is about, in one sentence (the lesson index shows it).
    pub summary: String,
    /// Prose and example blocks before the first step.
    pub intro: Vec<Block>,
    /// Commands run before the learner starts (e.g. what the previous page built).
    pub start: Vec<String>,
    pub steps: Vec<Step>,
}

/// One step: a `## heading` and everything up to the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub title: String,
    /// Line of the heading in the lesson file (for messages).
    pub line: usize,
    pub blocks: Vec<Block>,
    pub checks: Vec<Check>,
}

impl Step {
    /// The code blocks the learner runs, in order.
    pub fn code(&self) -> impl Iterator<Item = &Code> {
        self.blocks.iter().filter_map(|block| match block {
            Block::Code(code) => Some(code),
            _ => None,
        })
    }

    /// The hints, in order.
    pub fn hints(&self) -> impl Iterator<Item = &str> {
        self.blocks.iter().filter_map(|block| match block {
            Block::Hint(text) => Some(text.as_str()),
            _ => None,
        })
    }
}

/// A piece of a step (or of the introduction), in the order it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A paragraph or a list item of Markdown text (inline `code`, **bold**, [links](…)).
    Prose(String),
    /// A list item (`- text`).
    Item(String),
    /// Code the learner runs (a `Run` button in the page).
    Code(Code),
    /// Example output, shown as is (```` ```output ````).
    Output(String),
    /// A hint (`> Hint: …`), shown when the learner asks for it.
    Hint(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    Shell,
    Yaml,
}

/// A runnable code block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    pub language: Language,
    /// The block as written (what the page shows).
    pub text: String,
    /// What is typed into the terminal: the shell block itself, or a YAML manifest wrapped
    /// in `kubectl apply -f - <<'EOF'`.
    pub command: String,
    /// The author says this block is meant to fail (e.g. to show an error message).
    pub fails: bool,
    pub line: usize,
}

/// An assertion over the cluster a learner can read: what it means, the read-only command
/// that observes it, and what that command must print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// "deployment demo in namespace dev has 3 ready replicas".
    pub that: String,
    /// A read-only command line, usually `kubectl get … -o jsonpath=…`.
    pub run: String,
    pub expect: Expectation,
    pub line: usize,
}

/// What a check's command must print (leading and trailing blanks ignored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expectation {
    /// `expect: TEXT` — exactly this.
    Equals(String),
    /// `contains: TEXT` — this somewhere.
    Contains(String),
    /// `count: N` — N words (names, values) separated by blanks or lines.
    Count(usize),
    /// `at least: N` — a number no smaller than N.
    AtLeast(i64),
}

impl std::fmt::Display for Expectation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expectation::Equals(text) => write!(f, "{text:?}"),
            Expectation::Contains(text) => write!(f, "output containing {text:?}"),
            Expectation::Count(n) => write!(f, "{n} value{}", if *n == 1 { "" } else { "s" }),
            Expectation::AtLeast(n) => write!(f, "a number ≥ {n}"),
        }
    }
}

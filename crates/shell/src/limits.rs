//! Hard bounds on every resource the shell uses, so no pasted input can hang or exhaust the page.

/// Largest input accepted by one `Shell::execute` call (and by `split_commands`).
pub const MAX_INPUT_BYTES: usize = 1 << 20;
/// Deepest nesting of `$(…)`, backticks, `${…}`, `eval`, `source` and `xargs` inside each other.
pub const MAX_NESTING_DEPTH: usize = 16;
/// Most commands in one pipeline.
pub const MAX_PIPELINE_LEN: usize = 64;
/// Most bytes of output kept per command and per `execute` call; the rest is cut with a note.
pub const MAX_OUTPUT_BYTES: usize = 1 << 20;
/// Largest result of expanding one word (or one variable value).
pub const MAX_WORD_BYTES: usize = 1 << 20;
/// Total size of all files in the virtual filesystem.
pub const MAX_FS_BYTES: usize = 32 << 20;
/// Most commands one `xargs` invocation may run.
pub const MAX_XARGS_COMMANDS: usize = 1000;
/// Compiled-size bound handed to the regex engine.
pub const MAX_REGEX_SIZE: usize = 1 << 20;
/// Most tokens in an awk program (keeps its syntax tree shallow enough to evaluate recursively).
pub const MAX_AWK_TOKENS: usize = 512;
/// Deepest nesting of parentheses, unary operators and `$` in an awk expression.
pub const MAX_AWK_NESTING: usize = 64;
/// Most iterations of all loops in one `execute` call: a script that loops longer runs for
/// ever as far as anyone can tell, and is interrupted.
pub const MAX_LOOP_ITERATIONS: usize = 20_000;

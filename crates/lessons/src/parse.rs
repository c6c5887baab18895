//! The lesson file format: Markdown with a front matter, read line by line. Every problem is
//! reported with the file, the line and what to write instead.
//!
//! ````markdown
//! ---
//! title: Running at Scale
//! preset: kind            # or kind-multi
//! seed: 2
//! summary: Scale the demo Deployment out to three replicas.
//! ---
//! Introduction (Markdown paragraphs and `- ` lists).
//!
//! ```bash start
//! kubectl create namespace dev      # the start state: run before the learner starts
//! ```
//!
//! ## A step heading
//! Prose, then code the learner runs (bash/sh/shell, or yaml = `kubectl apply -f -`):
//! ```bash
//! kubectl -n dev scale deployment demo --replicas=3
//! ```
//! ```output
//! deployment.apps/demo scaled
//! ```
//! > Hint: a hint, shown on request.
//!
//! ```check
//! that: deployment demo in namespace dev has 3 ready replicas
//! run: kubectl -n dev get deployment demo -o jsonpath={.status.readyReplicas}
//! expect: 3
//! ```
//! ````

use crate::lesson::{Block, Check, Code, Expectation, Language, Lesson, Step};

/// A problem in a lesson file, at a line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct LessonError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// The longest lesson file accepted, so a pasted or crafted file cannot exhaust memory.
const MAX_LESSON_BYTES: usize = 256 * 1024;

/// Parses the lesson `name` (its file name without `.md`) from `text`; `file` names it in
/// error messages.
pub fn parse(name: &str, file: &str, text: &str) -> Result<Lesson, LessonError> {
    let error = |line: usize, message: String| LessonError {
        file: file.to_string(),
        line,
        message,
    };
    if text.len() > MAX_LESSON_BYTES {
        return Err(error(
            1,
            format!("the file is larger than {} KiB", MAX_LESSON_BYTES / 1024),
        ));
    }
    let lines: Vec<&str> = text.lines().collect();
    let (front, body_start) = front_matter(&lines).map_err(|(line, m)| error(line, m))?;
    let mut lesson = Lesson {
        name: name.to_string(),
        title: String::new(),
        preset: "kind".into(),
        seed: 1,
        summary: String::new(),
        intro: Vec::new(),
        start: Vec::new(),
        steps: Vec::new(),
    };
    for (line, key, value) in front {
        match key {
            "title" => lesson.title = value.to_string(),
            "summary" => lesson.summary = value.to_string(),
            "preset" => {
                if !matches!(value, "kind" | "kind-multi") {
                    return Err(error(
                        line,
                        format!("preset {value:?} is not known: use kind or kind-multi"),
                    ));
                }
                lesson.preset = value.to_string();
            }
            "seed" => {
                lesson.seed = value
                    .parse()
                    .map_err(|_| error(line, format!("seed {value:?} is not a whole number")))?;
            }
            other => {
                return Err(error(
                    line,
                    format!(
                        "unknown front matter key {other:?}: use title, preset, seed or summary"
                    ),
                ));
            }
        }
    }
    if lesson.title.is_empty() {
        return Err(error(
            1,
            "the front matter has no title: add `title: …`".into(),
        ));
    }
    Body::new(&lines, body_start)
        .read(&mut lesson)
        .map_err(|(line, m)| error(line, m))?;
    if lesson.steps.is_empty() {
        return Err(error(
            lines.len().max(1),
            "the lesson has no steps: each step starts with a `## heading`".into(),
        ));
    }
    Ok(lesson)
}

type Problem = (usize, String);

/// A `key: value` line of the front matter, with its line number.
type Entry<'a> = (usize, &'a str, &'a str);

/// The `key: value` lines between the two `---` lines, and the index of the first body line.
fn front_matter<'a>(lines: &[&'a str]) -> Result<(Vec<Entry<'a>>, usize), Problem> {
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return Err((
            1,
            "a lesson starts with a front matter: a `---` line, `title: …`, and `---`".into(),
        ));
    }
    let mut entries = Vec::new();
    for (index, raw) in lines.iter().enumerate().skip(1) {
        let line = index + 1;
        let text = strip_comment(raw).trim();
        if text == "---" {
            return Ok((entries, index + 1));
        }
        if text.is_empty() {
            continue;
        }
        let Some((key, value)) = text.split_once(':') else {
            return Err((
                line,
                format!("expected `key: value` in the front matter, found {text:?}"),
            ));
        };
        entries.push((line, key.trim(), value.trim().trim_matches('"')));
    }
    Err((
        1,
        "the front matter is not closed: add a `---` line after it".into(),
    ))
}

/// `value  # comment` → `value` (a `#` that starts a word).
fn strip_comment(text: &str) -> &str {
    match text.find(" #") {
        Some(index) => &text[..index],
        None if text.trim_start().starts_with('#') => "",
        None => text,
    }
}

struct Body<'a> {
    lines: &'a [&'a str],
    index: usize,
}

/// A fenced block: its info string, its text and the line it opened on.
struct Fence {
    info: String,
    text: String,
    line: usize,
}

impl<'a> Body<'a> {
    fn new(lines: &'a [&'a str], start: usize) -> Body<'a> {
        Body {
            lines,
            index: start,
        }
    }

    fn read(&mut self, lesson: &mut Lesson) -> Result<(), Problem> {
        let mut paragraph: Vec<&str> = Vec::new();
        let mut quote: Vec<&str> = Vec::new();
        while self.index < self.lines.len() {
            let line = self.index + 1;
            let raw = self.lines[self.index];
            let text = raw.trim();
            let starts_block = text.is_empty()
                || text.starts_with("```")
                || text.starts_with('#')
                || text.starts_with('>')
                || list_item(text).is_some();
            if starts_block {
                flush_paragraph(&mut paragraph, blocks_of(lesson));
            }
            if !text.starts_with('>') {
                flush_quote(&mut quote, blocks_of(lesson));
            }
            if text.starts_with("```") {
                let fence = self.fence()?;
                self.place(fence, lesson)?;
                continue;
            }
            self.index += 1;
            if text.is_empty() {
                continue;
            }
            if let Some(title) = text.strip_prefix("## ") {
                lesson.steps.push(Step {
                    title: title.trim().to_string(),
                    line,
                    blocks: Vec::new(),
                    checks: Vec::new(),
                });
            } else if text.starts_with('#') {
                return Err((
                    line,
                    "only `## ` headings are allowed: each one starts a step (the title is in the front matter)".into(),
                ));
            } else if let Some(rest) = text.strip_prefix('>') {
                quote.push(rest.trim());
            } else if let Some(item) = list_item(text) {
                blocks_of(lesson).push(Block::Item(item.to_string()));
            } else if raw.starts_with("  ")
                && matches!(blocks_of(lesson).last(), Some(Block::Item(_)))
            {
                // An indented line continues the list item above.
                if let Some(Block::Item(item)) = blocks_of(lesson).last_mut() {
                    item.push(' ');
                    item.push_str(text);
                }
            } else {
                paragraph.push(text);
            }
        }
        flush_paragraph(&mut paragraph, blocks_of(lesson));
        flush_quote(&mut quote, blocks_of(lesson));
        for step in &lesson.steps {
            if step.code().next().is_none() {
                return Err((
                    step.line,
                    format!(
                        "step {:?} has nothing to run: add a ```bash or ```yaml block",
                        step.title
                    ),
                ));
            }
            if step.checks.is_empty() {
                return Err((
                    step.line,
                    format!(
                        "step {:?} has no check: add a ```check block that says when it is done",
                        step.title
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Reads a fenced block starting at the current line.
    fn fence(&mut self) -> Result<Fence, Problem> {
        let line = self.index + 1;
        let info = self.lines[self.index]
            .trim()
            .trim_start_matches('`')
            .trim()
            .to_string();
        let mut text = String::new();
        self.index += 1;
        while self.index < self.lines.len() {
            let raw = self.lines[self.index];
            self.index += 1;
            if raw.trim() == "```" {
                return Ok(Fence { info, text, line });
            }
            text.push_str(raw);
            text.push('\n');
        }
        Err((
            line,
            "this code block is not closed: add a ``` line after it".into(),
        ))
    }

    /// Puts a fenced block where it belongs: the start state, a step's code, output or checks.
    fn place(&self, fence: Fence, lesson: &mut Lesson) -> Result<(), Problem> {
        let mut words = fence.info.split_whitespace();
        let language = words.next().unwrap_or_default();
        let flags: Vec<&str> = words.collect();
        let in_step = !lesson.steps.is_empty();
        for flag in &flags {
            let known = matches!(*flag, "start" | "fails") || flag.starts_with("namespace=");
            if !known {
                return Err((
                    fence.line,
                    format!("unknown code block option {flag:?}: use start, fails or namespace=NS"),
                ));
            }
        }
        let start = flags.contains(&"start");
        let fails = flags.contains(&"fails");
        let namespace = flags.iter().find_map(|f| f.strip_prefix("namespace="));
        let block = match language {
            "bash" | "sh" | "shell" => Block::Code(Code {
                language: Language::Shell,
                command: fence.text.clone(),
                text: fence.text,
                fails,
                line: fence.line,
            }),
            "yaml" | "yml" => {
                let namespace = namespace.map(|ns| format!(" -n {ns}")).unwrap_or_default();
                Block::Code(Code {
                    language: Language::Yaml,
                    command: format!("kubectl apply{namespace} -f - <<'EOF'\n{}EOF\n", fence.text),
                    text: fence.text,
                    fails,
                    line: fence.line,
                })
            }
            "output" | "text" | "console" => Block::Output(fence.text),
            "check" => {
                let Some(step) = lesson.steps.last_mut() else {
                    return Err((
                        fence.line,
                        "a check belongs to a step: put it after a `## heading`".into(),
                    ));
                };
                step.checks.extend(checks(&fence)?);
                return Ok(());
            }
            "" => {
                return Err((
                    fence.line,
                    "say what this code block is: ```bash, ```yaml, ```output or ```check".into(),
                ));
            }
            other => {
                return Err((
                    fence.line,
                    format!(
                        "unknown code block language {other:?}: use bash, yaml, output or check"
                    ),
                ));
            }
        };
        if start {
            let Block::Code(code) = block else {
                return Err((
                    fence.line,
                    "only bash or yaml blocks can be a start state".into(),
                ));
            };
            if in_step {
                return Err((
                    fence.line,
                    "the start state goes before the first step (`## heading`)".into(),
                ));
            }
            lesson
                .start
                .extend(kubeplay_shell::split_commands(&code.command));
            return Ok(());
        }
        blocks_of(lesson).push(block);
        Ok(())
    }
}

/// The blocks the next piece of text goes to: the last step's, or the introduction's.
fn blocks_of(lesson: &mut Lesson) -> &mut Vec<Block> {
    match lesson.steps.last_mut() {
        Some(step) => &mut step.blocks,
        None => &mut lesson.intro,
    }
}

fn list_item(text: &str) -> Option<&str> {
    if let Some(rest) = text.strip_prefix("- ").or_else(|| text.strip_prefix("* ")) {
        return Some(rest.trim());
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        return text[digits..].strip_prefix(". ").map(str::trim);
    }
    None
}

fn flush_paragraph(paragraph: &mut Vec<&str>, blocks: &mut Vec<Block>) {
    if !paragraph.is_empty() {
        blocks.push(Block::Prose(paragraph.join(" ")));
        paragraph.clear();
    }
}

/// A `>` quote is a hint when it starts with `Hint:`, else prose.
fn flush_quote(quote: &mut Vec<&str>, blocks: &mut Vec<Block>) {
    if quote.is_empty() {
        return;
    }
    let text = quote.join(" ");
    quote.clear();
    match text.strip_prefix("Hint:") {
        Some(hint) => blocks.push(Block::Hint(hint.trim().to_string())),
        None => blocks.push(Block::Prose(text)),
    }
}

/// The checks of a ```check block: groups of `key: value` lines separated by blank lines.
fn checks(fence: &Fence) -> Result<Vec<Check>, Problem> {
    let mut checks = Vec::new();
    let mut that: Option<String> = None;
    let mut run: Option<String> = None;
    let mut expect: Option<Expectation> = None;
    let mut group_line = fence.line + 1;
    let lines: Vec<&str> = fence.text.lines().chain(std::iter::once("")).collect();
    for (offset, raw) in lines.iter().enumerate() {
        let line = fence.line + 1 + offset;
        let text = raw.trim();
        if text.starts_with('#') {
            continue;
        }
        if text.is_empty() {
            if that.is_none() && run.is_none() && expect.is_none() {
                group_line = line + 1;
                continue;
            }
            let missing = |what: &str| (group_line, format!("this check has no `{what}` line"));
            checks.push(Check {
                that: that.take().ok_or_else(|| missing("that: what it means"))?,
                run: run.take().ok_or_else(|| missing("run: the command"))?,
                expect: expect
                    .take()
                    .ok_or_else(|| missing("expect:, contains:, count: or at least:"))?,
                line: group_line,
            });
            group_line = line + 1;
            continue;
        }
        let Some((key, value)) = text.split_once(':') else {
            return Err((
                line,
                format!("expected `key: value` in a check, found {text:?}"),
            ));
        };
        let value = value.trim().to_string();
        let number = |what: &str| -> Result<i64, Problem> {
            value.parse().map_err(|_| {
                (
                    line,
                    format!("`{what}:` takes a whole number, not {value:?}"),
                )
            })
        };
        let expectation = match key.trim() {
            "that" => {
                that = Some(value);
                None
            }
            "run" => {
                run = Some(value);
                None
            }
            "expect" => Some(Expectation::Equals(value.clone())),
            "contains" => Some(Expectation::Contains(value.clone())),
            "count" => Some(Expectation::Count(
                usize::try_from(number("count")?)
                    .map_err(|_| (line, "`count:` cannot be negative".to_string()))?,
            )),
            "at least" => Some(Expectation::AtLeast(number("at least")?)),
            other => {
                return Err((
                    line,
                    format!(
                        "unknown check key {other:?}: use that, run, and one of expect, contains, count, at least"
                    ),
                ));
            }
        };
        if let Some(expectation) = expectation {
            if expect.is_some() {
                return Err((
                    line,
                    "a check has one expectation; start another check after a blank line".into(),
                ));
            }
            expect = Some(expectation);
        }
    }
    if checks.is_empty() {
        return Err((fence.line, "this check block is empty".into()));
    }
    Ok(checks)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "---\ntitle: Demo\npreset: kind-multi # workers\nseed: 7\n---\nIntro `text`.\n\n```bash start\nkubectl create namespace dev\nkubectl -n dev create deployment demo --image=demo:1.0.0\n```\n\n## Scale out\nMake it three.\n- first\n  continued\n\n```bash\nkubectl -n dev scale deployment demo --replicas=3\n```\n```output\ndeployment.apps/demo scaled\n```\n> Hint: use scale.\n\n```check\nthat: three replicas\nrun: kubectl -n dev get deployment demo -o jsonpath={.spec.replicas}\nexpect: 3\n\nthat: ready\nrun: kubectl -n dev get deployment demo -o jsonpath={.status.readyReplicas}\nat least: 3\n```\n\n## Apply\n```yaml namespace=dev\nkind: ConfigMap\n```\n```check\nthat: x\nrun: kubectl get cm\ncount: 1\n```\n";

    fn problem(text: &str) -> String {
        match parse("bad", "lessons/bad.md", text) {
            Ok(_) => panic!("expected an error"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn reads_a_lesson() {
        let lesson = parse("demo", "lessons/demo.md", GOOD).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(lesson.title, "Demo");
        assert_eq!(lesson.preset, "kind-multi");
        assert_eq!(lesson.seed, 7);
        assert_eq!(lesson.start.len(), 2);
        assert_eq!(lesson.intro, vec![Block::Prose("Intro `text`.".into())]);
        let step = &lesson.steps[0];
        assert_eq!((step.title.as_str(), step.line), ("Scale out", 13));
        assert_eq!(step.blocks[1], Block::Item("first continued".into()));
        assert_eq!(step.hints().collect::<Vec<_>>(), vec!["use scale."]);
        assert_eq!(step.checks.len(), 2);
        assert_eq!(step.checks[1].expect, Expectation::AtLeast(3));
        assert_eq!(step.checks[1].line, 31);
        let yaml = lesson.steps[1].code().next().map(|c| c.command.clone());
        assert_eq!(
            yaml.as_deref(),
            Some("kubectl apply -n dev -f - <<'EOF'\nkind: ConfigMap\nEOF\n")
        );
    }

    #[test]
    fn names_file_line_and_problem() {
        assert_eq!(
            problem("title: x\n"),
            "lessons/bad.md:1: a lesson starts with a front matter: a `---` line, `title: …`, and `---`"
        );
        assert_eq!(
            problem("---\ntitle: x\nseed: many\n---\n"),
            "lessons/bad.md:3: seed \"many\" is not a whole number"
        );
        assert_eq!(
            problem("---\ntitle: x\n---\n## A\n```bash\nkubectl get pods\n"),
            "lessons/bad.md:5: this code block is not closed: add a ``` line after it"
        );
        assert_eq!(
            problem("---\ntitle: x\n---\n## A\n```bash\nkubectl get pods\n```\n"),
            "lessons/bad.md:4: step \"A\" has no check: add a ```check block that says when it is done"
        );
        assert_eq!(
            problem(
                "---\ntitle: x\n---\n## A\n```bash\nls\n```\n```check\nthat: x\nrun: kubectl get pods\n```\n"
            ),
            "lessons/bad.md:9: this check has no `expect:, contains:, count: or at least:` line"
        );
        assert_eq!(
            problem("---\ntitle: x\n---\n## A\n```check\nthat: x\nrun: y\ncount: -1\n```\n"),
            "lessons/bad.md:8: `count:` cannot be negative"
        );
        assert_eq!(
            problem("---\ntitle: x\npreset: eks\n---\n"),
            "lessons/bad.md:3: preset \"eks\" is not known: use kind or kind-multi"
        );
        assert_eq!(
            problem("---\ntitle: x\n---\n## A\n```python\n```\n"),
            "lessons/bad.md:5: unknown code block language \"python\": use bash, yaml, output or check"
        );
        assert_eq!(
            problem("---\ntitle: x\n---\nNo steps.\n"),
            "lessons/bad.md:4: the lesson has no steps: each step starts with a `## heading`"
        );
        assert_eq!(
            problem("---\ntitle: x\n---\n## A\n```bash start\nls\n```\n"),
            "lessons/bad.md:5: the start state goes before the first step (`## heading`)"
        );
    }
}

//! `jq FILTER [FILE…]` over jaq (a maintained jq implementation in Rust: its parser,
//! compiler, interpreter and jq's standard library). This file only reads jq's options,
//! feeds the inputs and prints the results as jq 1.7 does (two-space indentation, `-r`, `-c`,
//! `-j`, `-s`, `-n`, `-e`, `-S`, `--arg`, `--argjson`, `--tab`, `--indent N`).
//!
//! The filters that would read the machine (`now`, `env`, `$ENV`, local time zones) are left
//! out: the shell reads no clock and no process environment. Messages of runtime errors are
//! jaq's (`cannot index …`), wrapped the way jq wraps its own.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;
use jaq_json::write::Pp;

use super::{Io, UtilError, read_input};

/// Filters that read the machine running the shell; a program naming them fails to compile.
const MACHINE_FILTERS: &[&str] = &["now", "env", "localtime", "strflocaltime"];
/// Most results one run prints (a generator such as `repeat` would otherwise never end).
const MAX_RESULTS: usize = 100_000;

/// jq's exit statuses: usage error, compile error, runtime error, `-e` with no output.
const USAGE: i32 = 2;
const COMPILE: i32 = 3;
const RUNTIME: i32 = 5;

const USAGE_TEXT: &str = "Usage:\tjq [OPTIONS] FILTER [FILES...]\n\tjq [OPTIONS] --args FILTER [STRINGS...]\n\tjq [OPTIONS] --jsonargs FILTER [JSON_TEXTS...]\n\njq is a tool for processing JSON inputs, applying the given filter to\nits JSON text inputs and producing the filter's results as JSON on\nstandard output.\n\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n";

#[derive(Default)]
struct Options {
    raw: bool,
    join: bool,
    compact: bool,
    null_input: bool,
    slurp: bool,
    exit_status: bool,
    sort_keys: bool,
    indent: Option<String>,
    /// `--arg`/`--argjson` variables, names without `$`.
    vars: Vec<(String, Val)>,
    filter: Option<String>,
    files: Vec<String>,
}

fn parse_args(args: &[String], io: &mut Io) -> Result<Options, i32> {
    let mut options = Options {
        indent: Some("  ".into()),
        ..Options::default()
    };
    let mut rest = args.iter();
    let mut only_operands = false;
    while let Some(arg) = rest.next() {
        let operand = |options: &mut Options, arg: &String| match options.filter {
            None => options.filter = Some(arg.clone()),
            Some(_) => options.files.push(arg.clone()),
        };
        if only_operands || !arg.starts_with('-') || arg == "-" {
            operand(&mut options, arg);
            continue;
        }
        match arg.as_str() {
            "--" => only_operands = true,
            "--raw-output" => options.raw = true,
            "--join-output" => (options.raw, options.join) = (true, true),
            "--compact-output" => options.compact = true,
            "--null-input" => options.null_input = true,
            "--slurp" => options.slurp = true,
            "--exit-status" => options.exit_status = true,
            "--sort-keys" => options.sort_keys = true,
            "--tab" => options.indent = Some("\t".into()),
            "--color-output" | "--monochrome-output" | "--ascii-output" | "--seq" => {}
            "--indent" => {
                let n = rest.next().and_then(|n| n.parse::<usize>().ok());
                match n {
                    Some(n) if n <= 7 => {
                        options.indent = (n > 0).then(|| " ".repeat(n));
                    }
                    _ => {
                        io.out.err("jq: Cannot indent more than 7 characters\n");
                        io.out.err(USAGE_TEXT);
                        return Err(USAGE);
                    }
                }
            }
            "--arg" | "--argjson" => {
                let (Some(name), Some(text)) = (rest.next(), rest.next()) else {
                    io.out.err(&format!(
                        "jq: error: {arg} takes two parameters (e.g. {arg} varname value)\n"
                    ));
                    io.out.err(USAGE_TEXT);
                    return Err(USAGE);
                };
                let value = if arg == "--arg" {
                    Val::from(text.clone())
                } else {
                    match jaq_json::read::parse_single(text.as_bytes()) {
                        Ok(value) => value,
                        Err(_) => {
                            io.out.err("jq: Invalid JSON text passed to --argjson\n");
                            io.out.err(USAGE_TEXT);
                            return Err(USAGE);
                        }
                    }
                };
                options.vars.push((name.clone(), value));
            }
            long if long.starts_with("--") => {
                io.out
                    .err(&format!("jq: Unknown option: {long}\n{USAGE_TEXT}"));
                return Err(USAGE);
            }
            short => {
                for flag in short.chars().skip(1) {
                    match flag {
                        'r' => options.raw = true,
                        'j' => (options.raw, options.join) = (true, true),
                        'c' => options.compact = true,
                        'n' => options.null_input = true,
                        's' => options.slurp = true,
                        'e' => options.exit_status = true,
                        'S' => options.sort_keys = true,
                        'M' | 'C' | 'a' => {}
                        _ => {
                            io.out
                                .err(&format!("jq: Unknown option: {short}\n{USAGE_TEXT}"));
                            return Err(USAGE);
                        }
                    }
                }
            }
        }
    }
    Ok(options)
}

pub(crate) fn jq(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let options = match parse_args(args, io) {
        Ok(options) => options,
        Err(status) => return Ok(status),
    };
    let Some(program) = options.filter.clone() else {
        io.out.err(USAGE_TEXT);
        return Ok(USAGE);
    };

    // Inputs first: a missing file is jq's status 2 before anything runs.
    let mut text = String::new();
    if options.files.is_empty() {
        text.push_str(io.stdin);
    }
    for name in &options.files {
        match read_input(name, io) {
            Ok(file) => text.push_str(&file),
            Err(UtilError::File(name, error)) => {
                io.out
                    .err(&format!("jq: error: Could not open {name}: {error}\n"));
                return Ok(USAGE);
            }
            Err(error) => return Err(error),
        }
    }

    let names: Vec<String> = options.vars.iter().map(|(n, _)| format!("${n}")).collect();
    let arena = Arena::default();
    let loader = Loader::new(
        jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs()),
    );
    let modules = match loader.load(
        &arena,
        File {
            code: program.as_str(),
            path: (),
        },
    ) {
        Ok(modules) => modules,
        Err(errors) => {
            let expected = errors
                .iter()
                .map(|(_, error)| describe_load_error(error))
                .next()
                .unwrap_or_default();
            io.out.err(&format!(
                "jq: error: syntax error, {expected} (Unix shell quoting issues?) at <top-level>, line 1:\n{program}\njq: 1 compile error\n"
            ));
            return Ok(COMPILE);
        }
    };
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs())
        .filter(|(name, _, _)| !MACHINE_FILTERS.contains(name));
    let filter = match Compiler::default()
        .with_funs(funs)
        .with_global_vars(names.iter().map(String::as_str))
        .compile(modules)
    {
        Ok(filter) => filter,
        Err(errors) => {
            let mut report = String::new();
            let mut count = 0;
            for (_, undefined) in errors {
                for (name, what) in undefined {
                    count += 1;
                    let arity = match what {
                        jaq_core::compile::Undefined::Filter(arity) => format!("/{arity}"),
                        _ => String::new(),
                    };
                    report.push_str(&format!(
                        "jq: error: {name}{arity} is not defined at <top-level>, line 1:\n{program}\n"
                    ));
                }
            }
            let plural = if count == 1 { "" } else { "s" };
            io.out
                .err(&format!("{report}jq: {count} compile error{plural}\n"));
            return Ok(COMPILE);
        }
    };

    let inputs: Vec<Val> = if options.null_input {
        vec![Val::Null]
    } else {
        let mut values = Vec::new();
        for value in jaq_json::read::parse_many(text.as_bytes()) {
            match value {
                Ok(value) => values.push(value),
                Err(error) => {
                    io.out.err(&format!(
                        "jq: error (at <stdin>:{}): Cannot parse input: {error}\n",
                        line_count(&text)
                    ));
                    return Ok(USAGE);
                }
            }
        }
        if options.slurp {
            vec![Val::Arr(jaq_json::Rc::new(values))]
        } else {
            values
        }
    };

    let printer = Pp {
        indent: if options.compact {
            None
        } else {
            options.indent.clone()
        },
        sort_keys: options.sort_keys,
        sep_space: !options.compact,
        ..Pp::default()
    };
    let mut last: Option<Val> = None;
    let mut results = 0usize;
    let mut status = 0;
    for input in inputs {
        let ctx = Ctx::<data::JustLut<Val>>::new(
            &filter.lut,
            Vars::new(options.vars.iter().map(|(_, v)| v.clone())),
        );
        for result in filter.id.run((ctx, input)).map(unwrap_valr) {
            results += 1;
            if results > MAX_RESULTS {
                io.out.err(&format!(
                    "jq: stopped after {MAX_RESULTS} results (kubeplay's limit)\n"
                ));
                return Ok(RUNTIME);
            }
            match result {
                Ok(value) => {
                    io.out.out(&render(&value, &printer, &options));
                    last = Some(value);
                }
                Err(error) => {
                    io.out.err(&format!(
                        "jq: error (at <stdin>:{}): {error}\n",
                        line_count(&text)
                    ));
                    status = RUNTIME;
                }
            }
        }
    }
    if status == 0 && options.exit_status {
        status = match last {
            None => 4,
            Some(Val::Null | Val::Bool(false)) => 1,
            Some(_) => 0,
        };
    }
    Ok(status)
}

/// One result as jq prints it: raw strings with `-r`, else JSON; a newline unless `-j`.
fn render(value: &Val, printer: &Pp, options: &Options) -> String {
    let mut text = match value {
        Val::TStr(bytes) | Val::BStr(bytes) if options.raw => {
            String::from_utf8_lossy(bytes).into_owned()
        }
        _ => {
            let mut buffer: Vec<u8> = Vec::new();
            // Writing into a Vec cannot fail.
            let _ = jaq_json::write::write(&mut buffer, printer, 0, value);
            String::from_utf8_lossy(&buffer).into_owned()
        }
    };
    if !options.join {
        text.push('\n');
    }
    text
}

/// jq names the input line it had read up to when an error happened; it reads the whole
/// input first here, so that is its last line.
fn line_count(text: &str) -> usize {
    text.matches('\n').count()
}

fn describe_load_error(error: &jaq_core::load::Error<&str>) -> String {
    use jaq_core::load::Error;
    let near = |rest: &str| {
        let rest: String = rest.chars().take(16).collect();
        if rest.is_empty() {
            "unexpected end of file".to_string()
        } else {
            format!("unexpected `{rest}`")
        }
    };
    match error {
        Error::Io(errors) => errors
            .first()
            .map(|(path, why)| format!("cannot load module {path}: {why}"))
            .unwrap_or_default(),
        Error::Lex(errors) => errors
            .first()
            .map(|(expect, rest)| format!("{}, expecting {}", near(rest), expect.as_str()))
            .unwrap_or_default(),
        Error::Parse(errors) => errors
            .first()
            .map(|(expect, rest)| format!("{}, expecting {}", near(rest), expect.as_str()))
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{ok, run};

    const PODS: &str = r#"{"items":[{"metadata":{"name":"web-1","labels":{"app":"web"}},"status":{"phase":"Running"}},{"metadata":{"name":"db-0"},"status":{"phase":"Pending"}}]}"#;

    #[test]
    fn selects_and_prints_raw_strings() {
        assert_eq!(
            ok("jq", &["-r", ".items[].metadata.name"], PODS),
            "web-1\ndb-0\n"
        );
        assert_eq!(
            ok(
                "jq",
                &[
                    "-r",
                    r#".items[] | select(.status.phase == "Running") | .metadata.name"#
                ],
                PODS
            ),
            "web-1\n"
        );
        assert_eq!(ok("jq", &[".items | length"], PODS), "2\n");
    }

    #[test]
    fn pretty_prints_as_jq_does() {
        assert_eq!(
            ok("jq", &[".items[0].metadata"], PODS),
            "{\n  \"name\": \"web-1\",\n  \"labels\": {\n    \"app\": \"web\"\n  }\n}\n"
        );
        assert_eq!(
            ok("jq", &["-c", ".items[0].metadata"], PODS),
            "{\"name\":\"web-1\",\"labels\":{\"app\":\"web\"}}\n"
        );
        assert_eq!(ok("jq", &["-n", "[]"], ""), "[]\n");
        assert_eq!(
            ok("jq", &["-S", "-c", "."], r#"{"b":1,"a":2}"#),
            "{\"a\":2,\"b\":1}\n"
        );
    }

    #[test]
    fn options_inputs_and_arguments() {
        assert_eq!(ok("jq", &["-s", "length"], "1 2 3"), "3\n");
        assert_eq!(ok("jq", &["-n", "--arg", "x", "hi", "$x"], ""), "\"hi\"\n");
        assert_eq!(
            ok("jq", &["-n", "--argjson", "x", "{\"a\":1}", "$x.a"], ""),
            "1\n"
        );
        assert_eq!(ok("jq", &["-j", ".[]"], r#"["a","b"]"#), "ab");
        assert_eq!(
            ok(
                "jq",
                &["-r", ".data.password | @base64d"],
                r#"{"data":{"password":"czNjcjN0"}}"#
            ),
            "s3cr3t\n"
        );
        assert_eq!(run("jq", &["-e", ".missing"], "{}").status, 1);
    }

    #[test]
    fn errors_have_jq_statuses() {
        let syntax = run("jq", &[".items["], PODS);
        assert_eq!(syntax.status, 3);
        assert!(
            syntax.stderr.ends_with("jq: 1 compile error\n"),
            "{}",
            syntax.stderr
        );
        let undefined = run("jq", &["nosuch"], PODS);
        assert_eq!(
            undefined.stderr,
            "jq: error: nosuch/0 is not defined at <top-level>, line 1:\nnosuch\njq: 1 compile error\n"
        );
        assert_eq!(run("jq", &["now"], "null").status, 3);
        let runtime = run("jq", &[".a"], "[]\n");
        assert_eq!(runtime.status, 5);
        assert!(
            runtime.stderr.starts_with("jq: error (at <stdin>:1): "),
            "{}",
            runtime.stderr
        );
        assert_eq!(run("jq", &["."], "{nope").status, 2);
        assert_eq!(run("jq", &[], "").status, 2);
        assert_eq!(run("jq", &["-n", "repeat(1)"], "").status, 5);
    }
}

//! Builtins that need the interpreter itself: `cd`, `pwd`, `export`, `unset`, `clear`, `xargs`,
//! `eval`, `source`, `command`, `type`, `which`, `true`, `false`, `break`, `continue`,
//! `alias`, `unalias`, and polite refusals for `exit` and `history`.

use super::parse_count;
use crate::exec::{Exec, SHELL_BUILTINS};
use crate::limits::MAX_XARGS_COMMANDS;
use crate::output::Output;

/// Runs shell builtin `name`, or returns `None` if it is not one.
pub(crate) fn run(
    exec: &mut Exec,
    name: &str,
    args: &[String],
    stdin: &str,
    out: &mut Output,
) -> Option<i32> {
    Some(match name {
        "true" | ":" => 0,
        "false" => 1,
        "pwd" => {
            out.out(&format!("{}\n", exec.shell.fs.cwd()));
            0
        }
        "cd" => cd(exec, args, out),
        "export" => export(exec, args, out),
        "unset" => {
            for name in args.iter().filter(|a| !a.starts_with('-')) {
                exec.shell.vars.remove(name);
            }
            0
        }
        "clear" => {
            exec.clear_screen = true;
            0
        }
        "sleep" => super::timing::sleep(exec, args, out),
        "timeout" => super::timing::timeout(exec, args, stdin, out),
        "watch" => super::watch::watch(exec, args, out),
        "xargs" => xargs(exec, args, stdin, out),
        "eval" => exec.run_nested_source(&args.join(" "), stdin, out),
        "source" | "." => source(exec, name, args, stdin, out),
        "command" => command(exec, args, stdin, out),
        "type" => describe(exec, args, out, Style::Type),
        "which" => describe(exec, args, out, Style::Which),
        "exit" if exec.shell.exit_allowed => {
            let code = match args.first() {
                Some(arg) => arg.parse::<i32>().map(|c| c & 0xff).unwrap_or(2),
                None => exec.shell.last_status,
            };
            exec.halt = Some(crate::exec::Halt::Exit(code));
            code
        }
        "break" | "continue" => loop_control(exec, name, args, out),
        "alias" => alias(exec, args, out),
        "unalias" => unalias(exec, args, out),
        "exit" | "logout" | "history" | "set" | "exec" | "read" | "trap" | "wait" | "jobs" => {
            out.err(&format!(
                "sh: {name}: not supported in the kubeplay shell\n"
            ));
            1
        }
        _ => return None,
    })
}

/// `break [N]` / `continue [N]`, with bash's messages.
fn loop_control(exec: &mut Exec, name: &str, args: &[String], out: &mut Output) -> i32 {
    let count = match args.first() {
        None => 1,
        Some(arg) => match arg.parse::<i64>() {
            Ok(n) if n >= 1 => usize::try_from(n).unwrap_or(usize::MAX),
            Ok(_) => {
                out.err(&format!("sh: {name}: {arg}: loop count out of range\n"));
                return 1;
            }
            Err(_) => {
                out.err(&format!("sh: {name}: {arg}: numeric argument required\n"));
                return 128;
            }
        },
    };
    if exec.loops == 0 {
        out.err(&format!(
            "sh: {name}: only meaningful in a `for', `while', or `until' loop\n"
        ));
        return 0;
    }
    let count = count.min(exec.loops);
    exec.halt = Some(match name {
        "break" => crate::exec::Halt::Break(count),
        _ => crate::exec::Halt::Continue(count),
    });
    0
}

/// Quotes a word for the shell to read back as itself.
pub(crate) fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// `alias` (list), `alias NAME` (show), `alias NAME=VALUE…` (define).
fn alias(exec: &mut Exec, args: &[String], out: &mut Output) -> i32 {
    let show =
        |name: &str, value: &str| format!("alias {name}='{}'\n", value.replace('\'', "'\\''"));
    let names: Vec<&String> = args.iter().filter(|a| a.as_str() != "-p").collect();
    if names.is_empty() {
        let listing: String = exec
            .shell
            .aliases
            .iter()
            .map(|(name, value)| show(name, value))
            .collect();
        out.out(&listing);
        return 0;
    }
    let mut status = 0;
    for arg in names {
        match arg.split_once('=') {
            Some((name, value)) if is_alias_name(name) => {
                exec.shell
                    .aliases
                    .insert(name.to_string(), value.to_string());
            }
            Some((name, _)) => {
                out.err(&format!("sh: alias: `{name}': invalid alias name\n"));
                status = 1;
            }
            None => match exec.shell.aliases.get(arg.as_str()) {
                Some(value) => out.out(&show(arg, value)),
                None => {
                    out.err(&format!("sh: alias: {arg}: not found\n"));
                    status = 1;
                }
            },
        }
    }
    status
}

fn is_alias_name(name: &str) -> bool {
    !name.is_empty()
        && !name.chars().any(|c| {
            matches!(
                c,
                '/' | '$'
                    | '`'
                    | '='
                    | ' '
                    | '\t'
                    | '\n'
                    | '\''
                    | '"'
                    | '|'
                    | '&'
                    | ';'
                    | '('
                    | ')'
                    | '<'
                    | '>'
            )
        })
}

fn unalias(exec: &mut Exec, args: &[String], out: &mut Output) -> i32 {
    if args.first().is_some_and(|a| a == "-a") {
        exec.shell.aliases.clear();
        return 0;
    }
    let mut status = 0;
    for name in args {
        if exec.shell.aliases.remove(name.as_str()).is_none() {
            out.err(&format!("sh: unalias: {name}: not found\n"));
            status = 1;
        }
    }
    status
}

fn cd(exec: &mut Exec, args: &[String], out: &mut Output) -> i32 {
    let home = exec.shell.fs.home().to_string();
    let target = match args.first().map(String::as_str) {
        None | Some("~") => home,
        Some("-") => match exec.shell.variable("OLDPWD") {
            Some(old) => {
                out.out(&format!("{old}\n"));
                old.to_string()
            }
            None => {
                out.err("sh: cd: OLDPWD not set\n");
                return 1;
            }
        },
        Some(dir) => dir.to_string(),
    };
    if args.len() > 1 {
        out.err("sh: cd: too many arguments\n");
        return 1;
    }
    let old = exec.shell.fs.cwd().to_string();
    match exec.shell.fs.set_cwd(&target) {
        Ok(()) => {
            let new = exec.shell.fs.cwd().to_string();
            exec.shell.set_var("OLDPWD", old, false);
            exec.shell.set_var("PWD", new, false);
            0
        }
        Err(error) => {
            out.err(&format!("sh: cd: {target}: {error}\n"));
            1
        }
    }
}

fn is_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn export(exec: &mut Exec, args: &[String], out: &mut Output) -> i32 {
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if names.is_empty() {
        let mut listing = String::new();
        for (name, var) in exec.shell.vars.iter().filter(|(_, v)| v.exported) {
            listing.push_str(&format!("declare -x {name}=\"{}\"\n", var.value));
        }
        out.out(&listing);
        return 0;
    }
    let mut status = 0;
    for arg in names {
        let (name, value) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (arg.as_str(), None),
        };
        if !is_name(name) {
            out.err(&format!("sh: export: `{arg}': not a valid identifier\n"));
            status = 1;
            continue;
        }
        let value = value
            .or_else(|| exec.shell.variable(name).map(str::to_string))
            .unwrap_or_default();
        exec.shell.set_var(name, value, true);
    }
    status
}

fn source(exec: &mut Exec, name: &str, args: &[String], stdin: &str, out: &mut Output) -> i32 {
    let Some(file) = args.first() else {
        out.err(&format!("sh: {name}: filename argument required\n"));
        return 2;
    };
    match exec.shell.fs.read_file(file) {
        Ok(text) => {
            let text = text.to_string();
            exec.run_nested_source(&text, stdin, out)
        }
        Err(error) => {
            out.err(&format!("sh: {file}: {error}\n"));
            1
        }
    }
}

/// `xargs [-n N] [-I R] [-r] [COMMAND [ARG…]]`: runs COMMAND with words read from stdin.
fn xargs(exec: &mut Exec, args: &[String], stdin: &str, out: &mut Output) -> i32 {
    let mut per_command: Option<usize> = None;
    let mut replace: Option<String> = None;
    let mut no_run_if_empty = false;
    let mut rest = args;
    while let Some((flag, tail)) = rest.split_first() {
        let value = |inline: &str, tail: &[String]| -> Option<(String, usize)> {
            if inline.is_empty() {
                tail.first().map(|v| (v.clone(), 1))
            } else {
                Some((inline.to_string(), 0))
            }
        };
        let (parsed, skip) = if let Some(n) = flag.strip_prefix("-n") {
            match value(n, tail) {
                Some((v, skip)) => match parse_count(&v, "number of arguments") {
                    Ok(count) if count > 0 => {
                        per_command = Some(count);
                        (true, skip)
                    }
                    _ => {
                        out.err(&format!("xargs: invalid number \"{v}\" for -n option\n"));
                        return 1;
                    }
                },
                None => (false, 0),
            }
        } else if let Some(r) = flag.strip_prefix("-I") {
            match value(r, tail) {
                Some((v, skip)) => {
                    replace = Some(v);
                    (true, skip)
                }
                None => (false, 0),
            }
        } else if flag == "-r" || flag == "--no-run-if-empty" {
            no_run_if_empty = true;
            (true, 0)
        } else if flag == "--" {
            rest = tail;
            break;
        } else if flag.starts_with('-') && flag.len() > 1 {
            out.err(&format!("xargs: unsupported option '{flag}'\n"));
            return 1;
        } else {
            break;
        };
        if !parsed {
            out.err(&format!(
                "xargs: option requires an argument -- '{}'\n",
                flag.get(1..2).unwrap_or("")
            ));
            return 1;
        }
        rest = tail.get(skip..).unwrap_or_default();
    }
    let command: Vec<String> = if rest.is_empty() {
        vec!["echo".to_string()]
    } else {
        rest.to_vec()
    };
    let batches: Vec<Vec<String>> = match &replace {
        Some(pattern) => stdin
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|line| {
                command
                    .iter()
                    .map(|a| a.replace(pattern.as_str(), line))
                    .collect()
            })
            .collect(),
        None => {
            let words: Vec<String> = stdin.split_whitespace().map(str::to_string).collect();
            if words.is_empty() {
                if no_run_if_empty {
                    Vec::new()
                } else {
                    vec![command.clone()]
                }
            } else {
                words
                    .chunks(per_command.unwrap_or(usize::MAX))
                    .map(|chunk| {
                        command
                            .iter()
                            .cloned()
                            .chain(chunk.iter().cloned())
                            .collect()
                    })
                    .collect()
            }
        }
    };
    if batches.len() > MAX_XARGS_COMMANDS {
        out.err(&format!(
            "xargs: too many commands to run (limit {MAX_XARGS_COMMANDS})\n"
        ));
        return 1;
    }
    let mut status = 0;
    for argv in batches {
        match exec.nested("xargs", |exec| exec.dispatch(&argv, "", out)) {
            Ok(127) => return 127,
            Ok(0) => {}
            Ok(_) => status = 123,
            Err(error) => {
                out.err(&format!("xargs: {error}\n"));
                return 1;
            }
        }
    }
    status
}

/// `command -v NAME` prints how NAME would be found; `command NAME ARGS` just runs it.
fn command(exec: &mut Exec, args: &[String], stdin: &str, out: &mut Output) -> i32 {
    match args.first().map(String::as_str) {
        Some("-v" | "-V") => describe(
            exec,
            args.get(1..).unwrap_or_default(),
            out,
            Style::CommandV,
        ),
        Some(_) => match exec.nested("command", |exec| exec.dispatch(args, stdin, out)) {
            Ok(status) => status,
            Err(error) => {
                out.err(&format!("sh: {error}\n"));
                1
            }
        },
        None => 0,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Type,
    Which,
    CommandV,
}

/// `type`, `which` and `command -v`: builtins are the shell's; utilities and the host's programs
/// appear to live in the usual directories.
fn describe(exec: &mut Exec, names: &[String], out: &mut Output, style: Style) -> i32 {
    let programs = exec.host.programs();
    let mut status = 0;
    for name in names {
        let builtin = SHELL_BUILTINS.contains(&name.as_str());
        let path = if super::UTILITY_NAMES.contains(&name.as_str()) {
            Some(format!("/usr/bin/{name}"))
        } else if programs.iter().any(|p| p == name) {
            Some(format!("/usr/local/bin/{name}"))
        } else {
            None
        };
        let line = match (style, builtin, &path) {
            (Style::Type, true, _) => Some(format!("{name} is a shell builtin")),
            (Style::Type, false, Some(path)) => Some(format!("{name} is {path}")),
            (Style::CommandV, true, _) => Some(name.clone()),
            (Style::CommandV | Style::Which, _, Some(path)) => Some(path.clone()),
            _ => None,
        };
        match line {
            Some(line) => out.out(&format!("{line}\n")),
            None => {
                if style == Style::Type {
                    out.err(&format!("sh: type: {name}: not found\n"));
                }
                status = 1;
            }
        }
    }
    status
}

//! `cat` (files, `-`, `-n`), the pagers `less` and `more` (which print, since the terminal
//! scrolls by itself) and `tee` (`-a`; creates missing parent directories, unlike GNU tee,
//! so workshop lines like `tee ~/environment/x/y.yaml` just work).

use super::{Io, UtilError, lines, parse_opts, read_inputs};

pub(crate) fn cat(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let opts = parse_opts(args, "nAsuvE", &[("number", 'n')])?;
    let (texts, failed) = read_inputs("cat", &opts.operands, io);
    let mut number = 0usize;
    for (_, text) in texts {
        if opts.has('n') {
            let mut numbered = String::with_capacity(text.len() + 8 * text.len() / 40);
            for line in lines(&text) {
                number += 1;
                numbered.push_str(&format!("{number:>6}\t{line}\n"));
            }
            if !text.is_empty() && !text.ends_with('\n') {
                numbered.pop();
            }
            io.out.out(&numbered);
        } else {
            io.out.out(&text);
        }
    }
    Ok(i32::from(failed))
}

/// `less`/`more` [OPTIONS] [FILE…]: the whole text at once; their options only change how
/// a screen is paged, so they are accepted and ignored (`-N`/`--LINE-NUMBERS` numbers lines).
pub(crate) fn pager(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let numbered = args.iter().any(|a| a == "-N" || a == "--LINE-NUMBERS");
    let files: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-') && !a.starts_with('+') || a.as_str() == "-")
        .cloned()
        .collect();
    let mut cat_args = files;
    if numbered {
        cat_args.insert(0, "-n".into());
    }
    cat(&cat_args, io)
}

pub(crate) fn tee(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let opts = parse_opts(args, "ai", &[("append", 'a')])?;
    let append = opts.has('a');
    let mut status = 0;
    for name in &opts.operands {
        let path = io.fs.absolute(name);
        if let Some((dir, _)) = path.rsplit_once('/').filter(|(dir, _)| !dir.is_empty()) {
            // Parents are created on purpose (documented difference from GNU tee).
            let _ = io.fs.mkdir(dir, true);
        }
        let result = if append {
            io.fs.append(&path, io.stdin)
        } else {
            io.fs.write(&path, io.stdin)
        };
        if let Err(error) = result {
            io.out.err(&format!("tee: {name}: {error}\n"));
            status = 1;
        }
    }
    io.out.out(io.stdin);
    Ok(status)
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{ok, run, run_with};
    use crate::fs::VirtualFs;

    #[test]
    fn pagers_print_everything() {
        let mut fs = VirtualFs::new("/home/learner");
        let _ = fs.write("log.txt", "one\ntwo\n");
        assert_eq!(
            run_with(&mut fs, "less", &["-R", "log.txt"], "").stdout,
            "one\ntwo\n"
        );
        assert_eq!(run_with(&mut fs, "more", &[], "piped\n").stdout, "piped\n");
        assert_eq!(
            run_with(&mut fs, "less", &["-N", "log.txt"], "").stdout,
            "     1\tone\n     2\ttwo\n"
        );
        assert_eq!(run_with(&mut fs, "less", &["nope"], "").status, 1);
    }

    #[test]
    fn cat_stdin_files_and_numbers() {
        let mut fs = VirtualFs::new("/home/learner");
        let _ = fs.write("a.txt", "one\ntwo\n");
        assert_eq!(
            run_with(&mut fs, "cat", &["a.txt", "-", "a.txt"], "in\n").stdout,
            "one\ntwo\nin\none\ntwo\n"
        );
        assert_eq!(
            run_with(&mut fs, "cat", &["-n", "a.txt"], "").stdout,
            "     1\tone\n     2\ttwo\n"
        );
        assert_eq!(ok("cat", &[], "x"), "x");
    }

    #[test]
    fn cat_missing_file() {
        let r = run("cat", &["nope.txt"], "");
        assert_eq!(r.stderr, "cat: nope.txt: No such file or directory\n");
        assert_eq!(r.status, 1);
        let r = run("cat", &["~/environment"], "");
        assert_eq!(r.stderr, "cat: ~/environment: Is a directory\n");
        assert_eq!(
            run("cat", &["-z"], "").stderr,
            "cat: invalid option -- 'z'\n"
        );
    }

    #[test]
    fn tee_writes_and_appends() {
        let mut fs = VirtualFs::new("/home/learner");
        let r = run_with(&mut fs, "tee", &["a", "~/environment/new/b.yaml"], "x\n");
        assert_eq!((r.stdout.as_str(), r.status), ("x\n", 0));
        assert_eq!(fs.read("/home/learner/environment/new/b.yaml"), Some("x\n"));
        run_with(&mut fs, "tee", &["-a", "a"], "y\n");
        assert_eq!(fs.read("a"), Some("x\ny\n"));
        let r = run_with(&mut fs, "tee", &["a/b"], "z");
        assert_eq!(r.status, 1);
        assert_eq!(r.stderr, "tee: a/b: Not a directory\n");
    }
}

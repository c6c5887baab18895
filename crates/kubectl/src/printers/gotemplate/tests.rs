//! Go template tests: output, then parse and execution errors as Go prints them.

use super::*;

fn render(template: &str, data: serde_json::Value) -> (String, String) {
    let mut out = Output::default();
    match GoTemplate::parse(template) {
        Ok(parsed) => parsed.print(&data, &mut out),
        Err(error) => out.error(error),
    }
    let stdout = out.stdout();
    let all: String = out
        .into_program_output()
        .chunks
        .iter()
        .map(|c| c.text.clone())
        .collect();
    (stdout, all)
}

fn deployment() -> serde_json::Value {
    serde_json::json!({
        "kind": "Deployment",
        "metadata": {"name": "x", "labels": {"app": "x"}, "creationTimestamp": null},
        "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}
    })
}

#[test]
fn fields_ranges_and_functions_print_as_go_does() {
    let cases = [
        ("{{.spec.replicas}}", "1"),
        ("{{.spec.foo}}", "<no value>"),
        ("{{.spec.foo.bar}}", "<no value>"),
        (
            "{{.metadata}}",
            "map[creationTimestamp:<nil> labels:map[app:x] name:x]",
        ),
        (
            "{{range .spec.template.spec.containers}}{{.name}}:{{.image}} {{end}}",
            "nginx:nginx ",
        ),
        (
            "{{printf \"%q %d %v\" .metadata.name .spec.replicas .spec.replicas}}",
            "\"x\" 1 1",
        ),
        ("{{len .spec.template.spec.containers}}", "1"),
        ("{{index .metadata.labels \"app\"}}", "x"),
        ("{{/* c */}}x{{- \" y \" -}} z", "x y z"),
        (
            "{{range $i, $c := .spec.template.spec.containers}}{{$i}}={{$c.name}}{{end}}",
            "0=nginx",
        ),
        (
            "{{if .spec.paused}}p{{else if .spec.replicas}}r{{end}}",
            "r",
        ),
        ("{{and 1 0}} {{or 0 \"\" \"x\"}} {{not true}}", "0 x false"),
        ("{{print 1 2 \"a\" \"b\" 3}}", "1 2ab3"),
        (
            "{{ .spec.replicas | printf \"%05.1f\" }}",
            "%!f(int64=    1)",
        ),
        ("{{printf \"%s %s\" .kind}}", "Deployment %!s(MISSING)"),
        ("{{.metadata.name}}{{'\\n'}}", "x10"),
        (
            "{{1.5}} {{1e3}} {{0x10}} {{-3}} {{1e6}}",
            "1.5 1000 16 -3 1e+06",
        ),
        ("{{range .spec.replicas}}{{.}}{{end}}", "0"),
        ("{{.spec | len}}", "2"),
        (
            "{{exists . \"spec\" \"replicas\"}} {{base64decode \"aGk=\"}}",
            "true hi",
        ),
        (
            "{{(.spec).replicas}} {{ .kind | eq \"Deployment\" }}",
            "1 true",
        ),
    ];
    for (template, expected) in cases {
        assert_eq!(render(template, deployment()).0, expected, "{template}");
    }
}

#[test]
fn errors_read_like_kubectl() {
    let (_, all) = render("{{.spec", deployment());
    assert_eq!(
        all,
        "error: error parsing template {{.spec, template: output:1: unclosed action\n"
    );
    let (_, all) = render("{{nope .x}}", deployment());
    assert_eq!(
        all,
        "error: error parsing template {{nope .x}}, template: output:1: function \"nope\" not defined\n"
    );
    for (template, message) in [
        ("{{if}}{{end}}", "missing value for if"),
        ("{{end}}", "unexpected {{end}}"),
        ("{{else}}", "unexpected {{else}}"),
        ("{{range .x}}", "unexpected EOF"),
        ("{{$y}}", "undefined variable \"$y\""),
        ("{{\"unterminated}}", "unterminated quoted string"),
    ] {
        let (_, all) = render(template, deployment());
        assert!(
            all.ends_with(&format!("template: output:1: {message}\n")),
            "{template}: {all}"
        );
    }
    let (stdout, all) = render("a{{.spec.replicas.x}}", deployment());
    assert!(stdout.starts_with("aError executing template: template: output:1:8: executing \"output\" at <.spec.replicas.x>: can't evaluate field x in type interface {}. Printing"), "{stdout}");
    assert!(all.ends_with("error: error executing template \"a{{.spec.replicas.x}}\": template: output:1:8: executing \"output\" at <.spec.replicas.x>: can't evaluate field x in type interface {}\n"));
    for (template, message) in [
        (
            "{{index .spec.template.spec.containers 5}}",
            "output:1:2: executing \"output\" at <index .spec.template.spec.containers 5>: error calling index: index out of range: 5",
        ),
        (
            "{{if eq .spec.replicas 1.0}}one{{end}}",
            "output:1:5: executing \"output\" at <eq .spec.replicas 1.0>: error calling eq: incompatible types for comparison",
        ),
        (
            "{{len 1 2}}",
            "output:1:2: executing \"output\" at <len>: wrong number of args for len: want 1 got 2",
        ),
        (
            "{{range .kind}}{{end}}",
            "output:1:8: executing \"output\" at <.kind>: range can't iterate over Deployment",
        ),
        (
            "{{.metadata.creationTimestamp.x}}",
            "output:1:11: executing \"output\" at <.metadata.creationTimestamp.x>: nil pointer evaluating interface {}.x",
        ),
    ] {
        let (_, all) = render(template, deployment());
        assert!(all.contains(message), "{template}: {all}");
    }
}

//! `kubectl get`: tables (one block per kind, NAME prefixed when several kinds are shown),
//! `-o wide|yaml|json|name|jsonpath=…|go-template=…`, `-l`, `-A`, `--show-labels`, `--no-headers`, and the
//! "No resources found" / NotFound messages.

use kubeplay_model::object::MetaExt;
use kubeplay_model::selector::Selector;
use kubeplay_model::{ApiError, Kind, Object};

use crate::args::{self, Flag, boolean, value};
use crate::errors;
use crate::output::Output;
use crate::printers::gotemplate::{GoTemplate, is_template_format};
use crate::printers::object;
use crate::printers::rows::{self, RowContext};
use crate::printers::table::Table;
use crate::resources;
use crate::session::Session;

const FLAGS: &[Flag] = &[
    value("output", Some('o')),
    value("template", None),
    value("selector", Some('l')),
    value("field-selector", None),
    boolean("all-namespaces", Some('A')),
    boolean("show-labels", None),
    boolean("no-headers", None),
    boolean("show-kind", None),
    boolean("ignore-not-found", None),
    boolean("watch", Some('w')),
    boolean("watch-only", None),
    value("label-columns", Some('L')),
    value("sort-by", None),
    value("filename", Some('f')),
];

const NO_TYPE: &str = "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples";

const ENDPOINTS_DEPRECATED: &str =
    "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice";

pub fn run(args: &[String], session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "get") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let requests = match resources::parse(&parsed.positional) {
        Ok(requests) if requests.is_empty() => return out.error(NO_TYPE),
        Ok(requests) => requests,
        Err(error) => return out.error(error),
    };
    let format = parsed.value("output").unwrap_or("").to_string();
    let jsonpath = format
        .strip_prefix("jsonpath=")
        .map(|t| t.trim_matches('\'').to_string());
    let template = if is_template_format(&format) {
        match GoTemplate::from_flags(&format, parsed.value("template"), session) {
            Ok(template) => Some(template),
            Err(error) => return out.error(error),
        }
    } else {
        None
    };
    if !matches!(format.as_str(), "" | "wide" | "yaml" | "json" | "name")
        && jsonpath.is_none()
        && template.is_none()
    {
        return out.error(
            match crate::printers::check_format(Some(&format), crate::printers::GET_FORMATS) {
                Err(error) => error,
                // A format real kubectl has but kubeplay does not print yet.
                Ok(()) => format!(
                    "error: kubeplay does not support -o {} yet",
                    format.split('=').next().unwrap_or(&format)
                ),
            },
        );
    }
    let selector = match parsed.value("selector").map(Selector::parse).transpose() {
        Ok(selector) => selector.unwrap_or_default(),
        Err(error) => return out.error(format!("error: {error}")),
    };
    let fields =
        match crate::fields::FieldSelector::parse(parsed.value("field-selector").unwrap_or("")) {
            Ok(fields) => fields,
            Err(error) => return out.error(error),
        };
    let all_namespaces = parsed.bool("all-namespaces");
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    if parsed.bool("watch") || parsed.bool("watch-only") {
        let query = super::watch::Query {
            requests,
            namespace,
            all_namespaces,
            selector,
            fields,
        };
        return super::watch::run(query, &parsed, session, out);
    }
    let columns = Columns::new(&parsed, requests.len() > 1);
    let ctx = RowContext {
        now: session.now(),
        wide: format == "wide",
    };

    let mut found: Vec<(Kind, Vec<&Object>)> = Vec::new();
    let mut not_found = Vec::new();
    // A v1.33 server answers every Endpoints read with this warning header.
    if requests.iter().any(|r| r.kind == Kind::Endpoints) {
        out.note(ENDPOINTS_DEPRECATED);
    }
    for request in &requests {
        let store = &session.cluster.api.store;
        let scope = (request.kind.namespaced() && !all_namespaces).then_some(namespace.as_str());
        let objects: Vec<&Object> = if request.names.is_empty() {
            store
                .list(request.kind, scope)
                .filter(|o| selector.matches(o.meta().labels.as_ref()) && fields.matches(o))
                .collect()
        } else {
            let mut objects = Vec::new();
            for name in &request.names {
                match store.get(&kubeplay_model::ObjectKey::new(
                    request.kind,
                    &namespace,
                    name,
                )) {
                    Some(object) => objects.push(object),
                    None => not_found.push(ApiError::not_found(request.kind, name)),
                }
            }
            objects
        };
        found.push((request.kind, objects));
    }
    let total: usize = found.iter().map(|(_, objects)| objects.len()).sum();
    let listing = requests.iter().all(|r| r.names.is_empty());
    match format.as_str() {
        "yaml" | "json" => {
            let all: Vec<&Object> = found
                .iter()
                .flat_map(|(_, objects)| objects.iter().copied())
                .collect();
            if !all.is_empty() || listing {
                let as_list = listing || all.len() > 1;
                out.out(if format == "yaml" {
                    object::yaml(&all, as_list)
                } else {
                    object::json(&all, as_list)
                });
            }
        }
        // printGeneric: one named object prints as itself (or, missing, only as its
        // NotFound error); anything else as a List, even an empty one.
        _ if jsonpath.is_some() || template.is_some() => {
            let all: Vec<&Object> = found
                .iter()
                .flat_map(|(_, objects)| objects.iter().copied())
                .collect();
            let names: usize = requests.iter().map(|r| r.names.len()).sum();
            let single_item_implied = !listing && names == 1;
            let as_list = !single_item_implied || all.len() > 1;
            let document: Option<serde_json::Value> = if as_list {
                Some(
                    serde_json::json!({ "apiVersion": "v1", "kind": "List", "items": all.iter().map(|o| o.to_value()).collect::<Vec<_>>(), "metadata": { "resourceVersion": "" } }),
                )
            } else {
                all.first().map(|o| o.to_value())
            };
            match (document, &template) {
                (None, _) => {}
                (Some(document), Some(template)) => template.print(&document, out),
                (Some(document), None) => match crate::printers::jsonpath::render(
                    jsonpath.as_deref().unwrap_or(""),
                    &document,
                ) {
                    Ok(text) => out.out(text),
                    Err(error) => out.error(error),
                },
            }
        }
        "name" => {
            for (_, objects) in &found {
                for object in objects {
                    out.line(object::name(object));
                }
            }
        }
        _ => {
            let mut first_block = true;
            for (kind, objects) in &found {
                if objects.is_empty() {
                    continue;
                }
                let table = columns.table(*kind, objects, &ctx);
                let show_headers = !parsed.bool("no-headers");
                if !first_block && show_headers {
                    out.out("\n");
                }
                first_block = false;
                out.out(table.render(show_headers));
            }
        }
    }
    if total == 0
        && not_found.is_empty()
        && !parsed.bool("ignore-not-found")
        && format != "yaml"
        && format != "json"
        && jsonpath.is_none()
        && template.is_none()
    {
        let cluster_scoped = requests.iter().all(|r| !r.kind.namespaced());
        if all_namespaces || cluster_scoped {
            out.note("No resources found");
        } else {
            out.note(format!("No resources found in {namespace} namespace."));
        }
    }
    if !parsed.bool("ignore-not-found") {
        for error in not_found {
            out.error(errors::render(&error));
        }
    }
}

/// The columns of a `get` table beyond the kind's own: NAMESPACE with `-A`, `-L` label
/// columns, LABELS with `--show-labels`, and `kind/` before names when several kinds show.
pub struct Columns {
    wide: bool,
    all_namespaces: bool,
    with_kind: bool,
    label_columns: Vec<String>,
    show_labels: bool,
}

impl Columns {
    pub fn new(parsed: &args::Parsed, several_kinds: bool) -> Columns {
        Columns {
            wide: parsed.value("output") == Some("wide"),
            all_namespaces: parsed.bool("all-namespaces"),
            with_kind: several_kinds || parsed.bool("show-kind"),
            // `-L key1,key2`: one column per key, headed by its last path segment.
            label_columns: parsed
                .values("label-columns")
                .iter()
                .flat_map(|v| v.split(',').map(str::to_string).collect::<Vec<_>>())
                .collect(),
            show_labels: parsed.bool("show-labels"),
        }
    }

    fn namespaced_column(&self, kind: Kind) -> bool {
        self.all_namespaces && kind.namespaced()
    }

    /// The table of one kind's objects: the kind's own table plus these columns.
    pub fn table(&self, kind: Kind, objects: &[&Object], ctx: &RowContext) -> Table {
        let own = rows::table(kind, objects.iter().copied(), ctx);
        Table {
            headers: self.add_headers(kind, own.headers),
            rows: own
                .rows
                .into_iter()
                .zip(objects)
                .map(|(cells, object)| self.add_cells(object, kind, cells))
                .collect(),
        }
    }

    /// The headers of [`Columns::table`], for printers that go row by row (`--watch`).
    pub fn headers(&self, kind: Kind) -> Vec<String> {
        self.add_headers(kind, rows::headers(kind, self.wide))
    }

    /// One row of [`Columns::table`].
    pub fn cells(&self, object: &Object, kind: Kind, ctx: &RowContext) -> Vec<String> {
        self.add_cells(object, kind, rows::row(object, ctx))
    }

    fn add_headers(&self, kind: Kind, mut headers: Vec<String>) -> Vec<String> {
        if self.namespaced_column(kind) {
            headers.insert(0, "NAMESPACE".into());
        }
        for key in &self.label_columns {
            headers.push(key.rsplit('/').next().unwrap_or(key).to_uppercase());
        }
        if self.show_labels {
            headers.push("LABELS".into());
        }
        headers
    }

    fn add_cells(&self, object: &Object, kind: Kind, mut cells: Vec<String>) -> Vec<String> {
        if self.with_kind
            && kind != Kind::Event
            && let Some(name) = cells.first_mut()
        {
            *name = format!("{}/{name}", kind.qualified_singular());
        }
        if self.namespaced_column(kind) {
            cells.insert(0, object.namespace().to_string());
        }
        for key in &self.label_columns {
            cells.push(object.meta().label(key).unwrap_or_default().to_string());
        }
        if self.show_labels {
            let labels = object.meta().labels.clone().unwrap_or_default();
            let text = labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",");
            cells.push(if text.is_empty() {
                "<none>".into()
            } else {
                text
            });
        }
        cells
    }
}

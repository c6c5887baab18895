//! What the traffic overlay's paths connect, in words: the Services (the anchors the dots pass
//! through, with their ready endpoints and request rate) and each pod chip's counters of
//! requests sent and served. Both follow the traffic counts context, refreshed a few times
//! per second, so a chip redraws for its counter and not for every frame.

use k8s_openapi::api::core::v1::{Endpoints, Service};
use kubeplay_model::object::MetaExt;
use yew::prelude::*;

use crate::components::inspector::Selection;
use crate::components::traffic::TrafficCounts;
use crate::traffic_scene::{self, rate_text};
use kubeplay_model::Kind;

/// More Services than this in view, and the rest are counted.
const SERVICES_AT_MOST: usize = 24;

#[derive(Properties, PartialEq)]
pub struct PodCountersProps {
    pub namespace: String,
    pub name: String,
}

/// "↗ 12 sent · ↘ 30 served" under a pod chip's status, when it sent or answered requests.
#[function_component(PodCounters)]
pub fn pod_counters(props: &PodCountersProps) -> Html {
    let Some(counts) = use_context::<TrafficCounts>() else {
        return Html::default();
    };
    if counts.total == 0 {
        return Html::default();
    }
    let (sent, served) = {
        let p = counts.playground.borrow();
        let traffic = p.terminal.cluster.traffic();
        (
            traffic.sent_by(&props.namespace, &props.name),
            traffic.served_by(&props.namespace, &props.name),
        )
    };
    if sent == 0 && served == 0 {
        return Html::default();
    }
    html! {
        <span class="pod-traffic" data-sent={sent.to_string()} data-served={served.to_string()}>
            if sent > 0 {
                <span class="sent"><span aria-hidden="true">{ "↗ " }</span>{ format!("{sent} sent") }</span>
            }
            if served > 0 {
                <span class="served"><span aria-hidden="true">{ "↘ " }</span>{ format!("{served} served") }</span>
            }
        </span>
    }
}

/// One Service as the bar shows it.
#[derive(Clone, Debug, PartialEq)]
struct ServiceAnchor {
    namespace: String,
    name: String,
    ready: usize,
    not_ready: usize,
    per_second: Option<f64>,
}

#[derive(Properties, PartialEq)]
pub struct ServiceBarProps {
    pub namespace: Option<String>,
    pub selected: Option<Selection>,
    /// Opens a Service in the inspector (its `describe` lists the endpoints).
    pub on_select: Callback<Option<Selection>>,
}

/// The Services of the namespace shown (the system's only when they carry traffic): where
/// the dots go through between clients and the pods that answer.
#[function_component(ServiceBar)]
pub fn service_bar(props: &ServiceBarProps) -> Html {
    let Some(counts) = use_context::<TrafficCounts>() else {
        return Html::default();
    };
    let (services, hidden) = {
        let p = counts.playground.borrow();
        let cluster = &p.terminal.cluster;
        let now = cluster.now_ms();
        let rates = traffic_scene::service_rates(
            cluster
                .traffic()
                .since(now.saturating_sub(traffic_scene::SHOWN_MS)),
            now,
        );
        let store = &cluster.api.store;
        let mut all: Vec<ServiceAnchor> = store
            .list_typed::<Service>(props.namespace.as_deref())
            .filter_map(|service| {
                let namespace = service.metadata.namespace_str();
                let name = service.metadata.name_str();
                let per_second = rates
                    .get(&(namespace.to_string(), name.to_string()))
                    .copied();
                let system =
                    namespace == "kube-system" || (namespace == "default" && name == "kubernetes");
                if system && per_second.is_none() {
                    return None;
                }
                let (ready, not_ready) = store
                    .get_typed::<Endpoints>(namespace, name)
                    .and_then(|e| e.subsets.as_ref())
                    .map_or((0, 0), |subsets| {
                        subsets.iter().fold((0, 0), |(r, n), subset| {
                            (
                                r + subset.addresses.as_ref().map_or(0, Vec::len),
                                n + subset.not_ready_addresses.as_ref().map_or(0, Vec::len),
                            )
                        })
                    });
                Some(ServiceAnchor {
                    namespace: namespace.to_string(),
                    name: name.to_string(),
                    ready,
                    not_ready,
                    per_second,
                })
            })
            .collect();
        // Services with traffic first, then by name.
        all.sort_by(|a, b| {
            b.per_second
                .is_some()
                .cmp(&a.per_second.is_some())
                .then_with(|| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)))
        });
        let hidden = all.len().saturating_sub(SERVICES_AT_MOST);
        all.truncate(SERVICES_AT_MOST);
        (all, hidden)
    };
    if services.is_empty() {
        return Html::default();
    }
    let all_namespaces = props.namespace.is_none();
    html! {
        <div class="services">
            <h3 id="services-title">{ "Services" }</h3>
            <ul class="service-list" aria-labelledby="services-title">
                { for services.iter().map(|service| service_item(service, all_namespaces, props)) }
                if hidden > 0 {
                    <li class="more">{ format!("and {hidden} more") }</li>
                }
            </ul>
        </div>
    }
}

fn service_item(service: &ServiceAnchor, all_namespaces: bool, props: &ServiceBarProps) -> Html {
    let endpoints = match (service.ready, service.not_ready) {
        (0, 0) => "no endpoints".to_string(),
        (0, n) => format!("0 ready of {n} endpoints"),
        (1, 0) => "1 endpoint".to_string(),
        (r, 0) => format!("{r} endpoints"),
        (r, n) => format!("{r} ready of {} endpoints", r + n),
    };
    let rate = service
        .per_second
        .map(|rate| format!(" · {} req/s", rate_text(rate)));
    let selection = Selection {
        kind: Kind::Service,
        namespace: service.namespace.clone(),
        name: service.name.clone(),
    };
    let is_selected = props.selected.as_ref() == Some(&selection);
    let onclick = {
        let on_select = props.on_select.clone();
        move |_| on_select.emit(Some(selection.clone()))
    };
    html! {
        <li>
          <button class={classes!("service", (service.ready == 0).then_some("no-endpoints"), service.per_second.is_some().then_some("busy"), is_selected.then_some("selected"))}
            data-service={service.name.clone()} data-namespace={service.namespace.clone()} aria-pressed={is_selected.to_string()} onclick={onclick}>
            <span class="visually-hidden">{ "Service " }</span>
            <span class="service-icon" aria-hidden="true">{ "⇄" }</span>
            <span class="service-name">{ &service.name }</span>
            if all_namespaces {
                <span class="service-namespace">{ format!(" ({})", service.namespace) }</span>
            }
            <span class="service-meta">{ endpoints }{ rate.unwrap_or_default() }</span>
          </button>
        </li>
    }
}

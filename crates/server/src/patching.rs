//! `PATCH`: the patch types the API server accepts, applied by the core's patch module to
//! the stored object, then written through the ordinary update.

use axum::response::Response;
use kubeplay_sim::Cluster;

use crate::request::Request;
use crate::status::Failure;

pub fn patch(_request: &Request, _cluster: &mut Cluster) -> Result<Response, Failure> {
    Err(Failure::unsupported_media_type())
}

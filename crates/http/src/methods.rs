//! Which methods each path supports, read from the OpenAPI document's paths — which `routes::api` declares together
//! with the routes themselves — so a 405 names them in `Allow` without a list kept by hand.

use actix_web::http::Method;
use utoipa::openapi::OpenApi;

/// The document's path templates (`/api/v1/tickets/{id}`) with their methods.
#[derive(Debug, Clone, Default)]
pub struct MethodTable {
    paths: Vec<(Vec<Segment>, Vec<Method>)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Literal(String),
    /// `{id}`: any one non-empty segment
    Parameter,
}

impl MethodTable {
    pub fn from_document(document: &OpenApi) -> Self {
        let paths = document
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let candidates = [
                    (Method::GET, item.get.is_some()),
                    (Method::HEAD, item.head.is_some()),
                    (Method::POST, item.post.is_some()),
                    (Method::PUT, item.put.is_some()),
                    (Method::PATCH, item.patch.is_some()),
                    (Method::DELETE, item.delete.is_some()),
                    (Method::OPTIONS, item.options.is_some()),
                    (Method::TRACE, item.trace.is_some()),
                ];
                let methods = candidates.into_iter().filter(|(_, present)| *present).map(|(m, _)| m).collect();
                (segments(template), methods)
            })
            .collect();
        MethodTable { paths }
    }

    /// The methods `path` supports (`GET, PATCH`), or None when no route has that path. A path that several
    /// templates match (`/tickets/{id}` and `/tickets/search`) supports what any of them does.
    pub fn allowed(&self, path: &str) -> Option<String> {
        let parts: Vec<&str> = path.split('/').collect();
        let mut allowed: Vec<&Method> = Vec::new();
        for (template, methods) in &self.paths {
            if matches(template, &parts) {
                allowed.extend(methods.iter().filter(|m| !allowed.contains(m)).collect::<Vec<_>>());
            }
        }
        if allowed.is_empty() {
            return None;
        }
        const ORDER: [Method; 8] = [
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
            Method::TRACE,
        ];
        let names: Vec<&str> = ORDER.iter().filter(|m| allowed.contains(m)).map(Method::as_str).collect();
        Some(names.join(", "))
    }
}

fn segments(template: &str) -> Vec<Segment> {
    template
        .split('/')
        .map(|part| {
            if part.starts_with('{') && part.ends_with('}') {
                Segment::Parameter
            } else {
                Segment::Literal(part.to_string())
            }
        })
        .collect()
}

fn matches(template: &[Segment], parts: &[&str]) -> bool {
    template.len() == parts.len()
        && template.iter().zip(parts).all(|(segment, part)| match segment {
            Segment::Literal(literal) => literal == part,
            Segment::Parameter => !part.is_empty(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_whole_segments() {
        let table = MethodTable::from_document(&crate::openapi::document());
        assert_eq!(table.allowed("/api/v1/tickets").as_deref(), Some("GET, POST"));
        assert!(table.allowed("/api/v1/tickets/").is_none());
        assert!(table.allowed("/api/v1/nothing").is_none());
        assert!(table.allowed("/api/v1/tickets/7/comments/extra/deep").is_none());
        assert_eq!(table.allowed("/healthz").as_deref(), Some("GET"));
    }
}

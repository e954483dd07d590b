//! The floor under the workspace's layout: within each crate, no two top-level modules import each other, directly
//! or through others. Read from the sources (`crate::name` paths, `use crate::{a, b}` groups, and `super::name` in a
//! top-level module's own file), comments left out. A circle is reported with the path that closes it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Top-level modules of a crate's `src` and the top-level modules each one names.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files: BTreeMap<String, Vec<(PathBuf, bool)>> = BTreeMap::new();
    for entry in fs::read_dir(src).expect("src is readable") {
        let path = entry.expect("entry").path();
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        if path.is_dir() {
            let mut inside = vec![];
            collect_rs(&path, &mut inside);
            let top = path.join("mod.rs");
            files.insert(name, inside.into_iter().map(|f| (f.clone(), f == top)).collect());
        } else if path.extension().is_some_and(|e| e == "rs") && name != "lib" && name != "main" {
            files.insert(name, vec![(path, true)]);
        }
    }
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    files
        .iter()
        .map(|(module, sources)| {
            let mut named = BTreeSet::new();
            for (file, top_level) in sources {
                let text = fs::read_to_string(file).expect("source is readable");
                for name in referenced_modules(&without_comments(&text), *top_level) {
                    if modules.contains(&name) && &name != module {
                        named.insert(name);
                    }
                }
            }
            (module.clone(), named)
        })
        .collect()
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("dir is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn without_comments(text: &str) -> String {
    text.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// The first path segment after `crate::` (or `super::` in a top-level file), and the first segment of every item
/// of a `crate::{…}` group.
fn referenced_modules(text: &str, top_level: bool) -> Vec<String> {
    let mut names = vec![];
    let mut prefixes = vec!["crate::"];
    if top_level {
        prefixes.push("super::");
    }
    for prefix in prefixes {
        for (at, _) in text.match_indices(prefix) {
            let preceded_by_ident = text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_');
            if preceded_by_ident {
                continue;
            }
            let rest = &text[at + prefix.len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                for item in group.split(',') {
                    names.push(identifier(item.trim_start()));
                }
            } else {
                names.push(identifier(rest));
            }
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

fn identifier(text: &str) -> String {
    text.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

/// One circle in the graph, as the modules along it (the first repeated at the end), if there is any.
fn find_circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut circle = path[start..].to_vec();
            circle.push(node.to_string());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut vec![], &mut done))
}

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("crates/").to_path_buf()
}

#[test]
fn no_crate_has_an_import_circle_between_its_top_level_modules() {
    let mut circles = vec![];
    let mut checked = 0;
    for entry in fs::read_dir(crates_dir()).expect("crates/ is readable") {
        let src = entry.expect("entry").path().join("src");
        if !src.is_dir() {
            continue;
        }
        checked += 1;
        if let Some(circle) = find_circle(&module_graph(&src)) {
            circles.push(format!("{}: {}", src.display(), circle.join(" → ")));
        }
    }
    assert!(checked >= 6, "expected the workspace's crates under {}", crates_dir().display());
    assert!(circles.is_empty(), "modules that import each other in a circle:\n{}", circles.join("\n"));
}

#[test]
fn the_check_sees_direct_grouped_and_indirect_circles() {
    let dir = std::env::temp_dir().join(format!("loopdesk-module-graph-{}", std::process::id()));
    let src = dir.join("src");
    fs::create_dir_all(src.join("c")).unwrap();
    fs::write(src.join("lib.rs"), "mod a; mod b; mod c;").unwrap();
    fs::write(src.join("a.rs"), "// use crate::c; (a comment names nothing)\nuse crate::{App, b::Thing};").unwrap();
    fs::write(src.join("b.rs"), "fn f() { crate::c::g() }").unwrap();
    fs::write(src.join("c").join("mod.rs"), "mod inner;").unwrap();
    fs::write(src.join("c").join("inner.rs"), "use super::local; use crate::d;").unwrap();
    let graph = module_graph(&src);
    assert_eq!(graph["a"], BTreeSet::from(["b".to_string()]));
    assert_eq!(graph["b"], BTreeSet::from(["c".to_string()]));
    assert!(graph["c"].is_empty(), "super:: below a top-level module and unknown names are not edges");
    assert_eq!(find_circle(&graph), None);

    fs::write(src.join("c").join("inner.rs"), "pub(crate) fn g() { let _ = super::super::x; crate::a::h() }").unwrap();
    let circle = find_circle(&module_graph(&src)).expect("a → b → c → a is a circle");
    assert_eq!(circle, ["a", "b", "c", "a"]);
    fs::remove_dir_all(&dir).unwrap();
}

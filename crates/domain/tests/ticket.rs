use std::collections::{HashSet, VecDeque};
use std::str::FromStr;

use TicketStatus::*;
use loopdesk_domain::ticket::*;
use proptest::prelude::*;

/// The state machine written out pair by pair, independent of `allowed_next`'s lists.
fn expected_allowed(from: TicketStatus, to: TicketStatus) -> bool {
    matches!(
        (from, to),
        (New, Assigned)
            | (New, InProgress)
            | (New, Resolved)
            | (Assigned, InProgress)
            | (Assigned, Pending)
            | (Assigned, Resolved)
            | (InProgress, Pending)
            | (InProgress, Resolved)
            | (Pending, InProgress)
            | (Pending, Resolved)
            | (Resolved, Closed)
            | (Resolved, InProgress)
            | (Closed, InProgress)
    )
}

#[test]
fn every_transition_pair_matches_the_table() {
    for from in TicketStatus::ALL {
        for to in TicketStatus::ALL {
            let expected = expected_allowed(from, to);
            assert_eq!(check_transition(from, to).is_ok(), expected, "{from} -> {to}");
            assert_eq!(from.allowed_next().contains(&to), expected, "{from} -> {to}");
        }
    }
}

#[test]
fn staying_in_the_same_status_is_rejected() {
    for status in TicketStatus::ALL {
        assert!(check_transition(status, status).is_err(), "{status}");
    }
}

#[test]
fn every_status_can_reach_closed() {
    for start in TicketStatus::ALL {
        let mut seen = HashSet::from([start]);
        let mut queue = VecDeque::from([start]);
        while let Some(status) = queue.pop_front() {
            for &next in status.allowed_next() {
                if seen.insert(next) {
                    queue.push_back(next);
                }
            }
        }
        assert!(seen.contains(&Closed), "{start} cannot reach closed");
    }
}

#[test]
fn resolved_and_closed_can_reopen() {
    for from in [Resolved, Closed] {
        assert!(check_transition(from, InProgress).is_ok());
        assert!(TicketStatus::is_reopen(from, InProgress));
    }
    assert!(!TicketStatus::is_reopen(Pending, InProgress));
    assert!(!TicketStatus::is_reopen(Resolved, Closed));
    assert!(!TicketStatus::is_reopen(Closed, Pending));
}

#[test]
fn open_statuses() {
    let open: Vec<_> = TicketStatus::ALL.into_iter().filter(|s| s.is_open()).collect();
    assert_eq!(open, [New, Assigned, InProgress, Pending]);
}

#[test]
fn transition_error_lists_allowed_statuses() {
    let err = check_transition(Closed, Resolved).unwrap_err();
    assert_eq!(err.allowed, vec![InProgress]);
    assert_eq!(err.to_string(), "cannot move a ticket from closed to resolved; allowed from closed: in_progress");
    let err = check_transition(New, Closed).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot move a ticket from new to closed; allowed from new: assigned, in_progress, resolved"
    );
    let nothing_allowed = TransitionError { from: Closed, to: New, allowed: vec![] };
    assert!(nothing_allowed.to_string().ends_with("allowed from closed: none"));
}

#[test]
fn assignment_moves_between_new_and_assigned_only() {
    assert_eq!(status_after_assignment(New, true), Assigned);
    assert_eq!(status_after_assignment(New, false), New);
    assert_eq!(status_after_assignment(Assigned, false), New);
    assert_eq!(status_after_assignment(Assigned, true), Assigned);
    for status in [InProgress, Pending, Resolved, Closed] {
        assert_eq!(status_after_assignment(status, true), status);
        assert_eq!(status_after_assignment(status, false), status);
    }
}

#[test]
fn wire_names_match_serde_and_round_trip() {
    fn check<T>(all: &[T], as_str: fn(&T) -> &'static str, parse: fn(&str) -> Option<T>)
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug + std::fmt::Display,
    {
        for value in all {
            let name = as_str(value);
            assert_eq!(serde_json::to_value(value).unwrap(), serde_json::Value::from(name));
            assert_eq!(&serde_json::from_value::<T>(name.into()).unwrap(), value);
            assert_eq!(parse(name).as_ref(), Some(value));
            assert_eq!(value.to_string(), name);
        }
        assert_eq!(parse("nonsense"), None);
    }
    check(&TicketStatus::ALL, |v| v.as_str(), TicketStatus::parse);
    check(&Priority::ALL, |v| v.as_str(), Priority::parse);
    check(&Channel::ALL, |v| v.as_str(), Channel::parse);
    check(&EventKind::ALL, |v| v.as_str(), EventKind::parse);
    assert_eq!(InProgress.as_str(), "in_progress");
    assert_eq!(TicketStatus::parse("In_Progress"), None, "parse is exact");
}

#[test]
fn from_str_error_lists_allowed_values() {
    assert_eq!(Priority::from_str("high"), Ok(Priority::High));
    let err = Priority::from_str("critical").unwrap_err();
    assert!(err.contains("low, normal, high, urgent"), "{err}");
    let err = Channel::from_str("fax").unwrap_err();
    assert!(err.contains("web, portal, api, email, phone, monitoring"), "{err}");
}

#[test]
fn priority_ranks_sort_and_round_trip() {
    let ranks: Vec<i32> = Priority::ALL.iter().map(|p| p.rank()).collect();
    assert_eq!(ranks, [1, 2, 3, 4]);
    for p in Priority::ALL {
        assert_eq!(Priority::from_rank(p.rank()), Some(p));
    }
    assert_eq!(Priority::from_rank(0), None);
    assert_eq!(Priority::from_rank(5), None);
    assert!(Priority::Urgent > Priority::Low);
}

#[test]
fn only_public_events_are_customer_visible() {
    let visible: Vec<_> = EventKind::ALL.into_iter().filter(|k| k.customer_visible()).collect();
    assert_eq!(
        visible,
        [EventKind::Created, EventKind::StatusChanged, EventKind::CommentAdded, EventKind::AttachmentAdded]
    );
    assert!(!EventKind::InternalAttachmentAdded.customer_visible());
}

#[test]
fn ticket_numbers_are_padded_to_six_digits() {
    assert_eq!(format_ticket_number(1), "T-000001");
    assert_eq!(format_ticket_number(123), "T-000123");
    assert_eq!(format_ticket_number(999_999), "T-999999");
    assert_eq!(format_ticket_number(1_234_567), "T-1234567");
}

#[test]
fn ticket_number_parsing_is_tolerant_of_case_and_padding() {
    assert_eq!(parse_ticket_number("T-000123"), Some(123));
    assert_eq!(parse_ticket_number("t-42"), Some(42));
    assert_eq!(parse_ticket_number(" T-7 "), Some(7));
    assert_eq!(parse_ticket_number("T-9223372036854775807"), Some(i64::MAX));
}

#[test]
fn ticket_number_parsing_rejects_garbage() {
    for input in [
        "",
        "T-",
        "X-1",
        "T-abc",
        "T--1",
        "T-0",
        "T-000000",
        "T-+1",
        "T 1",
        "T1",
        "123",
        "T-1a",
        "T-9223372036854775808",
        "TT-1",
        "T-１２",
        "工-1",
    ] {
        assert_eq!(parse_ticket_number(input), None, "{input:?}");
    }
}

proptest! {
    #[test]
    fn ticket_number_round_trips(id in 1i64..=i64::MAX) {
        let formatted = format_ticket_number(id);
        prop_assert!(formatted.len() >= "T-000000".len());
        prop_assert_eq!(parse_ticket_number(&formatted), Some(id));
        prop_assert_eq!(parse_ticket_number(&formatted.to_lowercase()), Some(id));
    }

    #[test]
    fn ticket_number_parsing_never_panics(input in ".*") {
        let _ = parse_ticket_number(&input);
    }
}

fn tags(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn tags_are_trimmed_deduplicated_and_keep_case_and_chinese() {
    let normalized = normalize_tags(&tags(&["  空调 ", "VIP", "vip", "空调", "电梯故障", "VIP"])).unwrap();
    assert_eq!(normalized, ["空调", "VIP", "vip", "电梯故障"]);
}

#[test]
fn tags_limits() {
    let fifty_chinese = "好".repeat(50);
    assert_eq!(normalize_tags(std::slice::from_ref(&fifty_chinese)).unwrap(), [fifty_chinese]);

    for bad in ["", "   ", "a,b", "tab\there", &"x".repeat(51)] {
        let err = normalize_tags(&tags(&[bad])).unwrap_err();
        assert!(err.has("tags"), "{bad:?}");
        assert_eq!(err.0.len(), 1, "only the tags key: {err}");
    }

    let twenty: Vec<String> = (0..20).map(|i| format!("tag{i}")).collect();
    assert_eq!(normalize_tags(&twenty).unwrap().len(), 20);

    let mut twenty_one = twenty.clone();
    twenty_one.push("one-more".into());
    assert_eq!(normalize_tags(&twenty_one).unwrap_err().get("tags"), ["at most 20 tags are allowed"]);

    // Duplicates do not count towards the limit.
    let mut with_duplicates = twenty.clone();
    with_duplicates.extend(twenty.clone());
    assert_eq!(normalize_tags(&with_duplicates).unwrap(), twenty);
}

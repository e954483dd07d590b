//! Laws of the dispatch strategies and rule evaluation, checked against small reference models.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, TimeZone, Utc};
use loopdesk_domain::dispatch::*;
use loopdesk_domain::ticket::{Channel, Priority};
use proptest::prelude::*;

fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap()
}

const SKILL_NAMES: [&str; 5] = ["空调", "高压电工", "HVAC", "hvac", "Elevator"];

fn any_skill() -> impl Strategy<Value = AgentSkill> {
    (prop::sample::select(SKILL_NAMES.to_vec()), prop::option::of(1u8..=5))
        .prop_map(|(name, level)| AgentSkill::new(name, level))
}

fn any_requirement() -> impl Strategy<Value = SkillRequirement> {
    (prop::sample::select(SKILL_NAMES.to_vec()), prop::option::of(1u8..=5))
        .prop_map(|(name, min_level)| SkillRequirement { name: name.to_owned(), min_level })
}

fn any_availability() -> impl Strategy<Value = Availability> {
    prop::sample::select(Availability::ALL.to_vec())
}

/// An agent with an id to be filled in.
fn any_agent() -> impl Strategy<Value = AgentCandidate> {
    (
        any_availability(),
        prop::option::of(0u32..6),
        0u32..8,
        0u32..30,
        any::<bool>(),
        prop::collection::vec(any_skill(), 0..4),
        prop::option::of((30.0f64..32.0, 120.0f64..122.0)),
        prop::option::of(0i64..1000),
    )
        .prop_map(|(availability, capacity, open_count, open_load, holds_urgent, skills, position, assigned)| {
            AgentCandidate {
                user_id: 0,
                availability,
                capacity,
                open_load,
                open_count,
                holds_urgent,
                skills,
                position: position.map(|(lat, lon)| GeoPoint::new(lat, lon)),
                last_assigned_at: assigned.map(|m| base_time() + Duration::minutes(m)),
            }
        })
}

/// Agents with distinct ids (not in index order), plus some of those ids excluded.
fn any_candidates() -> impl Strategy<Value = (Vec<AgentCandidate>, Vec<i64>)> {
    prop::collection::vec(any_agent(), 0..25).prop_flat_map(|mut agents| {
        for (i, agent) in agents.iter_mut().enumerate() {
            agent.user_id = ((i as i64) * 7919) % 101 + 1;
        }
        let ids: Vec<i64> = agents.iter().map(|a| a.user_id).collect();
        let excluded = prop::sample::subsequence(ids.clone(), 0..=ids.len().min(4));
        (Just(agents), excluded)
    })
}

/// Independent reference for "online, under capacity, not excluded".
fn reference_eligible(agent: &AgentCandidate, excluded: &[i64]) -> bool {
    agent.availability == Availability::Online
        && agent.capacity.is_none_or(|c| agent.open_count < c)
        && !excluded.contains(&agent.user_id)
}

/// Independent reference for "holds every required skill".
fn reference_qualified(agent: &AgentCandidate, required: &[SkillRequirement]) -> bool {
    required.iter().all(|r| {
        agent.skills.iter().any(|s| {
            s.name.trim().to_lowercase() == r.name.trim().to_lowercase()
                && match r.min_level {
                    None => true,
                    Some(min) => s.level.is_some_and(|l| l >= min),
                }
        })
    })
}

fn admitted<'a>(
    agents: &'a [AgentCandidate],
    excluded: &[i64],
    required: &[SkillRequirement],
) -> Vec<&'a AgentCandidate> {
    agents.iter().filter(|a| reference_eligible(a, excluded) && reference_qualified(a, required)).collect()
}

fn find(agents: &[AgentCandidate], user_id: i64) -> &AgentCandidate {
    agents.iter().find(|a| a.user_id == user_id).expect("the choice is a candidate")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn round_robin_is_fair_over_n_tickets(
        initial in prop::collection::vec(prop::option::of(0i64..100), 1..12),
        tickets in 0usize..300,
    ) {
        let mut agents: Vec<AgentCandidate> = initial
            .iter()
            .enumerate()
            .map(|(i, assigned)| AgentCandidate {
                last_assigned_at: assigned.map(|m| base_time() + Duration::minutes(m)),
                ..AgentCandidate::new(100 - i as i64)
            })
            .collect();
        let mut counts = vec![0usize; agents.len()];
        for n in 0..tickets {
            let choice = pick_round_robin(&agents, &DispatchContext::default()).expect("everyone is eligible");
            let i = agents.iter().position(|a| a.user_id == choice.user_id).unwrap();
            counts[i] += 1;
            // What the app persists in the assigning transaction: the assignment time, later than anything before.
            agents[i].last_assigned_at = Some(base_time() + Duration::minutes(1000 + n as i64));
        }
        let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
        prop_assert!(max - min <= 1, "counts {:?}", counts);
    }

    #[test]
    fn least_loaded_never_picks_more_than_the_minimum_load(
        (agents, excluded) in any_candidates(),
        required in prop::collection::vec(any_requirement(), 0..2),
    ) {
        let ctx = DispatchContext { required_skills: &required, excluded: &excluded, ticket_location: None };
        let pool = admitted(&agents, &excluded, &required);
        match pick_least_loaded(&agents, &ctx) {
            None => prop_assert!(pool.is_empty()),
            Some(choice) => {
                let agent = find(&agents, choice.user_id);
                prop_assert!(pool.iter().any(|a| a.user_id == agent.user_id), "not admitted: {:?}", agent);
                let min_load = pool.iter().map(|a| a.open_load).min().unwrap();
                prop_assert_eq!(agent.open_load, min_load);
                let min_count = pool.iter().filter(|a| a.open_load == min_load).map(|a| a.open_count).min().unwrap();
                prop_assert_eq!(agent.open_count, min_count);
                prop_assert_eq!((choice.open_load, choice.open_count), (agent.open_load, agent.open_count));
            }
        }
    }

    #[test]
    fn skills_never_assign_an_unqualified_agent(
        (agents, excluded) in any_candidates(),
        required in prop::collection::vec(any_requirement(), 0..3),
    ) {
        let ctx = DispatchContext { required_skills: &required, excluded: &excluded, ticket_location: None };
        let pool = admitted(&agents, &excluded, &required);
        for then in SkillsThen::ALL {
            match pick_by_skills(&agents, &ctx, then) {
                None => prop_assert!(pool.is_empty()),
                Some(choice) => {
                    let agent = find(&agents, choice.user_id);
                    prop_assert!(reference_qualified(agent, &required), "{:?} lacks {:?}", agent.skills, required);
                    prop_assert!(reference_eligible(agent, &excluded));
                }
            }
        }
    }

    #[test]
    fn nearest_picks_the_nearest_eligible(
        (agents, excluded) in any_candidates(),
        target in (30.0f64..32.0, 120.0f64..122.0),
    ) {
        let target = GeoPoint::new(target.0, target.1);
        let ctx = DispatchContext { required_skills: &[], excluded: &excluded, ticket_location: Some(target) };
        let reachable: Vec<(&AgentCandidate, f64)> = admitted(&agents, &excluded, &[])
            .into_iter()
            .filter(|a| !a.holds_urgent)
            .filter_map(|a| Some((a, a.position?.distance_km(&target))))
            .collect();
        match pick_nearest(&agents, &ctx) {
            None => prop_assert!(reachable.is_empty()),
            Some(choice) => {
                let agent = find(&agents, choice.user_id);
                prop_assert!(!agent.holds_urgent);
                let distance = choice.distance_km.expect("nearest reports the distance");
                prop_assert!(reachable.iter().any(|(a, _)| a.user_id == agent.user_id), "not reachable: {:?}", agent);
                for (other, d) in &reachable {
                    prop_assert!(distance <= *d, "{} at {} km is nearer than {} at {} km", other.user_id, d, agent.user_id, distance);
                }
            }
        }
    }

    #[test]
    fn strategies_never_pick_offline_full_or_excluded_agents(
        (agents, excluded) in any_candidates(),
        required in prop::collection::vec(any_requirement(), 0..2),
        location in prop::option::of((30.0f64..32.0, 120.0f64..122.0)),
    ) {
        let ctx = DispatchContext {
            required_skills: &required,
            excluded: &excluded,
            ticket_location: location.map(|(lat, lon)| GeoPoint::new(lat, lon)),
        };
        let mut strategies = vec![
            AssignStrategy::RoundRobin,
            AssignStrategy::LeastLoaded,
            AssignStrategy::Skills { then: SkillsThen::LeastLoaded },
            AssignStrategy::Skills { then: SkillsThen::RoundRobin },
            AssignStrategy::Nearest,
            AssignStrategy::Pool,
        ];
        strategies.extend(agents.iter().map(|a| AssignStrategy::NamedAgent { user_id: a.user_id }));
        let expected_pool: BTreeSet<i64> = admitted(&agents, &excluded, &required).iter().map(|a| a.user_id).collect();

        for strategy in &strategies {
            match assign(strategy, &agents, &ctx) {
                Assignment::Agent(choice) => {
                    let agent = find(&agents, choice.user_id);
                    prop_assert!(reference_eligible(agent, &excluded), "{:?} picked {:?}", strategy, agent);
                    if let AssignStrategy::NamedAgent { user_id } = strategy {
                        prop_assert_eq!(*user_id, agent.user_id);
                    } else {
                        prop_assert!(reference_qualified(agent, &required), "{:?} picked {:?}", strategy, agent);
                    }
                }
                Assignment::Pool { offered_to } => {
                    prop_assert_eq!(strategy, &AssignStrategy::Pool);
                    let offered: BTreeSet<i64> = offered_to.iter().copied().collect();
                    prop_assert_eq!(offered.len(), offered_to.len(), "offered twice");
                    prop_assert_eq!(&offered, &expected_pool);
                }
                Assignment::Queue { reason } => match strategy {
                    AssignStrategy::NamedAgent { user_id } => {
                        prop_assert_eq!(reason, QueueReason::NamedAgentUnavailable);
                        prop_assert!(!reference_eligible(find(&agents, *user_id), &excluded));
                    }
                    AssignStrategy::Nearest if ctx.ticket_location.is_none() => {
                        prop_assert_eq!(reason, QueueReason::NoTicketLocation);
                    }
                    AssignStrategy::Nearest => prop_assert_eq!(reason, QueueReason::NoEligibleAgent),
                    _ => {
                        prop_assert_eq!(reason, QueueReason::NoEligibleAgent);
                        prop_assert!(expected_pool.is_empty(), "{:?} queued although {:?} qualify", strategy, expected_pool);
                    }
                },
            }
        }
    }
}

// ---------------------------------------------------------------- rule evaluation

/// A generated rule: position, enabled, channels tested (None: no condition), continue.
type RuleSpec = (i32, bool, Option<Vec<Channel>>, bool);

fn any_rule_spec() -> impl Strategy<Value = RuleSpec> {
    (
        0i32..5,
        prop::bool::weighted(0.8),
        prop::option::of(prop::sample::subsequence(Channel::ALL.to_vec(), 0..=3)),
        any::<bool>(),
    )
}

fn build_rules(specs: &[RuleSpec]) -> Vec<RoutingRule> {
    specs
        .iter()
        .enumerate()
        .map(|(i, (position, enabled, channels, continue_matching))| {
            let id = (i as i64 * 37) % 53 + 1;
            RoutingRule {
                id,
                name: format!("rule {id}"),
                position: *position,
                enabled: *enabled,
                conditions: channels.iter().map(|c| Condition::Channel { channels: c.clone() }).collect(),
                actions: vec![Action::SetGroup { group_id: id * 10 }, Action::AddTags { tags: vec![format!("t{id}")] }],
                continue_matching: *continue_matching,
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn evaluation_honours_order_and_continue(
        specs in prop::collection::vec(any_rule_spec(), 0..12),
        channel in prop::sample::select(Channel::ALL.to_vec()),
    ) {
        let rules = build_rules(&specs);
        let facts = TicketFacts::new(1, Priority::Normal, channel, 42, base_time());

        // Reference: sort, skip disabled, stop after a match unless it continues.
        let mut ordered: Vec<&RoutingRule> = rules.iter().filter(|r| r.enabled).collect();
        ordered.sort_by_key(|r| (r.position, r.id));
        let mut expected = Vec::new();
        for rule in ordered {
            let holds = rule.conditions.iter().all(|c| matches!(c, Condition::Channel { channels } if channels.contains(&channel)));
            if holds {
                expected.push(rule.id);
                if !rule.continue_matching {
                    break;
                }
            }
        }

        let outcome = evaluate(&rules, &facts);
        let matched: Vec<i64> = outcome.matched.iter().map(|m| m.id).collect();
        prop_assert_eq!(&matched, &expected);
        prop_assert_eq!(outcome.group_id, expected.last().map(|id| id * 10));
        let tags: Vec<String> = expected.iter().map(|id| format!("t{id}")).collect();
        prop_assert_eq!(&outcome.added_tags, &tags);

        let (traced, traces) = trace(&rules, &facts);
        prop_assert_eq!(&traced, &outcome);
        prop_assert_eq!(traces.len(), rules.len());
        let traced_matches: Vec<i64> = traces.iter().filter(|t| t.matched).map(|t| t.rule_id).collect();
        let mut expected_sorted = expected.clone();
        expected_sorted.sort_unstable();
        let mut traced_sorted = traced_matches;
        traced_sorted.sort_unstable();
        prop_assert_eq!(traced_sorted, expected_sorted);
    }

    #[test]
    fn a_keyword_is_found_wherever_it_occurs(
        before in "[空调不制冷漏水 aBc,ＡＢ\u{3000}]{0,12}",
        keyword in "[空调不制冷漏水 aBcＡＢ]{1,6}",
        after in "[空调不制冷漏水 aBc,ＡＢ\u{3000}]{0,12}",
        in_subject in any::<bool>(),
    ) {
        prop_assume!(!keyword.trim().is_empty());
        let text = format!("{before}{keyword}{after}");
        let mut facts = TicketFacts::new(1, Priority::Normal, Channel::Web, 42, base_time());
        if in_subject { facts.subject = text } else { facts.description = text }
        let condition = Condition::Keywords { keywords: vec![keyword.to_uppercase()], scope: KeywordScope::SubjectOrDescription };
        prop_assert!(condition_matches(&condition, &facts));
    }

    #[test]
    fn a_window_and_its_complement_split_the_week(
        from in 0u32..1440,
        to in 0u32..1440,
        offset in -720i32..=840,
        minute in 0i64..(60 * 24 * 28),
    ) {
        prop_assume!(from != to);
        let hhmm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
        let every_day = Weekday::ALL.to_vec();
        let inside = TimeWindow { weekdays: every_day.clone(), from: hhmm(from), to: hhmm(to), utc_offset_minutes: offset };
        let outside = TimeWindow { weekdays: every_day, from: hhmm(to), to: hhmm(from), utc_offset_minutes: offset };
        let t = base_time() + Duration::minutes(minute);
        prop_assert!(inside.contains(t) != outside.contains(t));
    }

    #[test]
    fn an_offset_shifts_the_window(
        days in prop::sample::subsequence(Weekday::ALL.to_vec(), 1..=7),
        from in 0u32..1440,
        to in 0u32..=1440,
        offset in -720i32..=840,
        minute in 0i64..(60 * 24 * 28),
    ) {
        let hhmm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
        let local = TimeWindow { weekdays: days.clone(), from: hhmm(from), to: hhmm(to), utc_offset_minutes: offset };
        let utc = TimeWindow { weekdays: days, from: hhmm(from), to: hhmm(to), utc_offset_minutes: 0 };
        let t = base_time() + Duration::minutes(minute);
        prop_assert_eq!(local.contains(t), utc.contains(t + Duration::minutes(i64::from(offset))));
    }
}

//! Hand-written diesel schema, limited to column types both backends share
//! (see docs/architecture.md). Keep in step with migrations/{sqlite,postgres}.

diesel::table! {
    roles (id) {
        id -> BigInt,
        name -> Text,
        description -> Text,
        permissions -> Text,
        builtin -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organizations (id) {
        id -> BigInt,
        name -> Text,
        shared_ticket_view -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        tier -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        kind -> Text,
        role_id -> BigInt,
        organization_id -> Nullable<BigInt>,
        password_hash -> Nullable<Text>,
        active -> Bool,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        last_login_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        locale -> Text,
    }
}

diesel::table! {
    agent_groups (id) {
        id -> BigInt,
        name -> Text,
        description -> Text,
        parent_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        supervisor_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    group_members (group_id, user_id) {
        group_id -> BigInt,
        user_id -> BigInt,
        last_assigned_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        session_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> BigInt,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        permissions -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ticket_types (id) {
        id -> BigInt,
        name -> Text,
        description -> Text,
        default_priority -> Integer,
        default_group_id -> Nullable<BigInt>,
        fields -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        required_skills -> Text,
    }
}

diesel::table! {
    tickets (id) {
        id -> BigInt,
        type_id -> BigInt,
        subject -> Text,
        description -> Text,
        status -> Text,
        priority -> Integer,
        channel -> Text,
        requester_id -> BigInt,
        organization_id -> Nullable<BigInt>,
        group_id -> Nullable<BigInt>,
        assignee_id -> Nullable<BigInt>,
        tags -> Text,
        custom_fields -> Text,
        external_id -> Nullable<Text>,
        external_source -> Nullable<Text>,
        version -> BigInt,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        first_response_at -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        location_label -> Nullable<Text>,
        location_lat -> Nullable<Double>,
        location_lon -> Nullable<Double>,
        sla_due_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ticket_tags (ticket_id, tag) {
        ticket_id -> BigInt,
        tag -> Text,
    }
}

diesel::table! {
    ticket_field_values (ticket_id, field_key, value) {
        ticket_id -> BigInt,
        field_key -> Text,
        value -> Text,
    }
}

diesel::table! {
    comments (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        author_id -> BigInt,
        body -> Text,
        internal -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ticket_events (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        actor_id -> Nullable<BigInt>,
        api_key_id -> Nullable<BigInt>,
        kind -> Text,
        field -> Nullable<Text>,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (id) {
        id -> BigInt,
        user_id -> BigInt,
        idempotency_key -> Text,
        request_hash -> Text,
        ticket_id -> Nullable<BigInt>,
        response_status -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    routing_rules (id) {
        id -> BigInt,
        name -> Text,
        position -> Integer,
        enabled -> Bool,
        conditions -> Text,
        actions -> Text,
        continue_matching -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agent_profiles (user_id) {
        user_id -> BigInt,
        availability -> Text,
        capacity -> Nullable<Integer>,
        skills -> Text,
        position_lat -> Nullable<Double>,
        position_lon -> Nullable<Double>,
        position_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    ticket_dispatch (ticket_id) {
        ticket_id -> BigInt,
        rule_id -> Nullable<BigInt>,
        strategy -> Nullable<Text>,
        accept_within_minutes -> Nullable<Integer>,
        required_skills -> Text,
        excluded -> Text,
        pooled -> Bool,
        accept_by -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        ticket_id -> Nullable<BigInt>,
        title -> Text,
        body -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        params -> Text,
    }
}

diesel::table! {
    calendars (id) {
        id -> BigInt,
        name -> Text,
        definition -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sla_policies (id) {
        id -> BigInt,
        name -> Text,
        position -> Integer,
        enabled -> Bool,
        conditions -> Text,
        targets -> Text,
        calendar_id -> Nullable<BigInt>,
        warn_at_percent -> Integer,
        breach_actions -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    ticket_sla (ticket_id) {
        ticket_id -> BigInt,
        policy_id -> Nullable<BigInt>,
        calendar_id -> Nullable<BigInt>,
        clocks -> Text,
        next_check_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notification_channels (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        url -> Text,
        secret -> Nullable<Text>,
        event_kinds -> Text,
        enabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notification_preferences (user_id, kind) {
        user_id -> BigInt,
        kind -> Text,
        in_app -> Bool,
        email -> Bool,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        channel -> Text,
        target -> Text,
        event_kind -> Text,
        ticket_id -> Nullable<BigInt>,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    agent_workload (user_id) {
        user_id -> BigInt,
        open_count -> Integer,
        open_load -> Integer,
        urgent_count -> Integer,
    }
}

diesel::table! {
    ticket_watchers (ticket_id, user_id) {
        ticket_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    digests (day, user_id) {
        day -> Text,
        user_id -> BigInt,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    sign_in_backoffs (email, client) {
        email -> Text,
        client -> Text,
        failures -> Integer,
        next_attempt_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    blobs (sha256) {
        sha256 -> Text,
        size_bytes -> BigInt,
        touched_at -> Timestamp,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        comment_id -> Nullable<BigInt>,
        uploader_id -> BigInt,
        sha256 -> Text,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        internal -> Bool,
        staged -> Bool,
        thumbnail_sha256 -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(users -> roles (role_id));
diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(group_members -> agent_groups (group_id));
diesel::joinable!(group_members -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(api_keys -> users (user_id));
diesel::joinable!(tickets -> ticket_types (type_id));
diesel::joinable!(ticket_tags -> tickets (ticket_id));
diesel::joinable!(ticket_field_values -> tickets (ticket_id));
diesel::joinable!(comments -> tickets (ticket_id));
diesel::joinable!(ticket_events -> tickets (ticket_id));
diesel::joinable!(agent_profiles -> users (user_id));
diesel::joinable!(ticket_dispatch -> tickets (ticket_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(ticket_sla -> tickets (ticket_id));
diesel::joinable!(attachments -> tickets (ticket_id));
diesel::joinable!(attachments -> comments (comment_id));

diesel::allow_tables_to_appear_in_same_query!(
    roles,
    organizations,
    users,
    agent_groups,
    group_members,
    sessions,
    refresh_tokens,
    api_keys,
    ticket_types,
    tickets,
    ticket_tags,
    ticket_field_values,
    comments,
    ticket_events,
    idempotency_keys,
    routing_rules,
    agent_profiles,
    ticket_dispatch,
    notifications,
    calendars,
    sla_policies,
    ticket_sla,
    notification_channels,
    notification_preferences,
    outbox,
    agent_workload,
    ticket_watchers,
    digests,
    sign_in_backoffs,
    blobs,
    attachments,
);

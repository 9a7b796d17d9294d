//! Table definitions shared by both backends (kept by hand: portable column types only).

diesel::table! {
    organisations (id) {
        id -> Text,
        name -> Text,
        created_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        organisation_id -> Text,
        email -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Text,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        second_factor -> Text,
    }
}

diesel::table! {
    totp_secrets (user_id) {
        user_id -> Text,
        secret -> Text,
        confirmed_at -> Nullable<Timestamp>,
        last_step -> BigInt,
        created_at -> Timestamp,
        enrolling_session -> Nullable<Text>,
        failures -> BigInt,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> Text,
        user_id -> Text,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    known_devices (device_key) {
        device_key -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (user_id, idem_key) {
        user_id -> Text,
        idem_key -> Text,
        fingerprint -> Text,
        request_id -> Text,
        audit_seq -> BigInt,
        state -> Text,
        status -> Nullable<Integer>,
        headers -> Nullable<Text>,
        body -> Nullable<Binary>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    login_throttled (throttled_key) {
        throttled_key -> Text,
        window_start -> Timestamp,
        attempts -> BigInt,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        account_key -> Text,
        client_key -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (seq) {
        seq -> BigInt,
        occurred_at -> Timestamp,
        actor_id -> Nullable<Text>,
        organisation_id -> Nullable<Text>,
        action -> Text,
        entity_type -> Nullable<Text>,
        entity_id -> Nullable<Text>,
        request_id -> Text,
        outcome -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    countries (code) {
        code -> Text,
        name -> Text,
    }
}

diesel::table! {
    cases (id) {
        id -> Text,
        organisation_id -> Text,
        family_id -> Text,
        destination -> Text,
        status -> Text,
        held_from -> Nullable<Text>,
        status_reason -> Nullable<Text>,
        status_since -> Timestamp,
        assignee_id -> Nullable<Text>,
        opened_on -> Date,
        next_action -> Text,
        next_action_due -> Nullable<Date>,
        handover_on -> Nullable<Date>,
        submitted_on -> Nullable<Date>,
        wish_override -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    case_members (case_id, person_id) {
        case_id -> Text,
        person_id -> Text,
        organisation_id -> Text,
        destination -> Text,
        is_open -> Bool,
        submitted_outcome -> Nullable<Text>,
        submitted_policy_version_id -> Nullable<Text>,
        added_at -> Timestamp,
    }
}

diesel::table! {
    case_events (id) {
        id -> Text,
        case_id -> Text,
        organisation_id -> Text,
        kind -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        reason -> Nullable<Text>,
        note -> Text,
        on_date -> Nullable<Date>,
        actor_id -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    case_consents (id) {
        id -> Text,
        case_id -> Text,
        person_id -> Text,
        organisation_id -> Text,
        given_by -> Text,
        given_by_name -> Text,
        given_on -> Date,
        to_case -> Bool,
        to_sharing -> Bool,
        recorded_at -> Timestamp,
        actor_id -> Nullable<Text>,
    }
}

diesel::table! {
    exports (id) {
        id -> Text,
        organisation_id -> Text,
        actor_id -> Nullable<Text>,
        kind -> Text,
        format -> Text,
        filters -> Text,
        column_list -> Text,
        purpose -> Text,
        row_count -> BigInt,
        encrypted -> Bool,
        created_at -> Timestamp,
    }
}

diesel::joinable!(users -> organisations (organisation_id));
diesel::joinable!(sessions -> users (user_id));

diesel::table! {
    facilities (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        kind -> Text,
        country_code -> Text,
        notes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    facility_authorities (id) {
        id -> Text,
        facility_id -> Text,
        authority -> Text,
        from_date -> Date,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    families (id) {
        id -> Text,
        organisation_id -> Text,
        label -> Text,
        notes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        pseudonymised_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    persons (id) {
        id -> Text,
        organisation_id -> Text,
        family_id -> Nullable<Text>,
        given_name -> Text,
        family_name -> Text,
        sex -> Text,
        birth_earliest -> Nullable<Date>,
        birth_latest -> Nullable<Date>,
        place_of_birth -> Text,
        left_home_earliest -> Nullable<Date>,
        left_home_latest -> Nullable<Date>,
        left_home_age -> Nullable<Integer>,
        date_of_death -> Nullable<Date>,
        notes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    person_derived (person_id) {
        person_id -> Text,
        organisation_id -> Text,
        search_key -> Text,
        stateless -> Bool,
        at_risk -> Bool,
        custody_status -> Text,
        current_facility_id -> Nullable<Text>,
        family_id -> Nullable<Text>,
    }
}

diesel::table! {
    person_flags (person_id, flag) {
        person_id -> Text,
        organisation_id -> Text,
        flag -> Text,
    }
}

diesel::table! {
    person_wishes (id) {
        id -> Text,
        person_id -> Text,
        organisation_id -> Text,
        wish -> Text,
        recorded_on -> Nullable<Date>,
        recorded_at -> Timestamp,
        actor_id -> Nullable<Text>,
    }
}

diesel::table! {
    person_names (id) {
        id -> Text,
        person_id -> Text,
        organisation_id -> Text,
        kind -> Text,
        script -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    kinships (id) {
        id -> Text,
        organisation_id -> Text,
        person_id -> Text,
        relative_id -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    nationality_claims (id) {
        id -> Text,
        person_id -> Text,
        organisation_id -> Text,
        country_code -> Text,
        status -> Text,
        basis -> Text,
        decision_earliest -> Nullable<Date>,
        decision_latest -> Nullable<Date>,
        legal_note -> Text,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    custody_events (id) {
        id -> Text,
        person_id -> Text,
        organisation_id -> Text,
        kind -> Text,
        facility_id -> Nullable<Text>,
        event_earliest -> Date,
        event_latest -> Date,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    record_changes (id) {
        id -> Text,
        organisation_id -> Text,
        family_id -> Nullable<Text>,
        entity_type -> Text,
        entity_id -> Text,
        field -> Text,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        request_id -> Text,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    policy_versions (id) {
        id -> Text,
        country_code -> Text,
        number -> Integer,
        status -> Text,
        effective_from -> Nullable<Date>,
        effective_to -> Nullable<Date>,
        summary -> Text,
        source -> Text,
        source_url -> Text,
        note -> Text,
        rules -> Text,
        seed_hash -> Nullable<Text>,
        based_on -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        retired_at -> Nullable<Timestamp>,
        version -> BigInt,
    }
}

diesel::table! {
    eligibility_results (person_id, country_code) {
        person_id -> Text,
        country_code -> Text,
        organisation_id -> Text,
        outcome -> Text,
        uncertain -> Bool,
        policy_version_id -> Nullable<Text>,
        changes_on -> Nullable<Date>,
        changes_to -> Nullable<Text>,
        change_reason -> Nullable<Text>,
        result -> Text,
        evaluated_on -> Date,
        evaluated_at -> Timestamp,
    }
}

diesel::table! {
    policy_stewards (user_id) {
        user_id -> Text,
        granted_by -> Nullable<Text>,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        kind -> Text,
        status -> Text,
        dedupe_key -> Nullable<Text>,
        reason -> Text,
        done_count -> BigInt,
        total_count -> BigInt,
        attempts -> Integer,
        error -> Nullable<Text>,
        requested_by -> Nullable<Text>,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        heartbeat_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        organisation_id -> Nullable<Text>,
    }
}

diesel::joinable!(persons -> families (family_id));
diesel::joinable!(person_derived -> persons (person_id));
diesel::joinable!(case_members -> cases (case_id));
diesel::joinable!(case_members -> persons (person_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(case_consents -> cases (case_id));
diesel::joinable!(cases -> families (family_id));
diesel::joinable!(kinships -> persons (person_id));
diesel::joinable!(eligibility_results -> persons (person_id));
diesel::joinable!(policy_stewards -> users (user_id));
diesel::joinable!(person_names -> persons (person_id));
diesel::joinable!(nationality_claims -> persons (person_id));
diesel::joinable!(custody_events -> persons (person_id));
diesel::joinable!(facility_authorities -> facilities (facility_id));

diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    users,
    sessions,
    login_failures,
    login_throttled,
    known_devices,
    totp_secrets,
    recovery_codes,
    idempotency_keys,
    audit_events,
    countries,
    facilities,
    facility_authorities,
    families,
    persons,
    person_derived,
    person_flags,
    person_wishes,
    person_names,
    kinships,
    nationality_claims,
    custody_events,
    record_changes,
    policy_versions,
    eligibility_results,
    policy_stewards,
    jobs,
    cases,
    case_members,
    case_events,
    case_consents,
    exports,
);

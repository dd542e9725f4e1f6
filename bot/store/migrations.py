"""The state store's tables, as versioned migrations: each runs once, in order, in one
transaction with its version (:meth:`bot.store.sql.SQLStore._migrate`)."""

from __future__ import annotations

# Versioned migrations: each runs once, in order, in one transaction with its version.
MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (
        1,
        (
            """CREATE TABLE daily_picks (
                day TEXT PRIMARY KEY,
                quote_key TEXT NOT NULL,
                cycle INTEGER NOT NULL,
                picked_at DOUBLE PRECISION NOT NULL
            )""",
            """CREATE TABLE daily_posts (
                day TEXT NOT NULL,
                target TEXT NOT NULL,
                status TEXT NOT NULL,
                owner TEXT NOT NULL,
                claimed_at DOUBLE PRECISION NOT NULL,
                attempts INTEGER NOT NULL,
                sent_at DOUBLE PRECISION,
                message_id TEXT,
                reason TEXT,
                PRIMARY KEY (day, target)
            )""",
        ),
    ),
    (
        2,
        (
            # A channel's own quote of the day, set from chat (owner 'chat') or written in
            # quotebot.toml (owner 'operator'); next_due is the next slot, indexed so the
            # scheduler asks for what is due instead of keeping a timer per channel.
            """CREATE TABLE subscriptions (
                platform TEXT NOT NULL,
                workspace TEXT NOT NULL,
                channel TEXT NOT NULL,
                at_time TEXT NOT NULL,
                zone TEXT NOT NULL,
                days TEXT NOT NULL,
                director TEXT,
                owner TEXT NOT NULL,
                set_by TEXT NOT NULL,
                paused TEXT,
                next_due DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (platform, workspace, channel)
            )""",
            "CREATE INDEX subscriptions_due ON subscriptions (next_due)",
        ),
    ),
    (
        3,
        (
            # Any cron schedule, not only a time and days: quotebot.toml's targets are
            # subscriptions too (owner 'operator'), with the schedule written there.
            "ALTER TABLE subscriptions ADD COLUMN schedule TEXT NOT NULL DEFAULT ''",
            """UPDATE subscriptions SET schedule =
                CAST(CAST(substr(at_time, 4, 2) AS INTEGER) AS TEXT) || ' ' ||
                CAST(CAST(substr(at_time, 1, 2) AS INTEGER) AS TEXT) || ' * * ' ||
                CASE WHEN days = 'weekdays' THEN '1-5' ELSE '*' END
              WHERE schedule = ''""",
            # A director-filtered subscription draws from that director's own cycle: the
            # picks are kept per pool ('' is the whole book, else a director's command).
            """CREATE TABLE quote_picks (
                pool TEXT NOT NULL,
                day TEXT NOT NULL,
                quote_key TEXT NOT NULL,
                cycle INTEGER NOT NULL,
                picked_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (pool, day)
            )""",
            "INSERT INTO quote_picks SELECT '', day, quote_key, cycle, picked_at FROM daily_picks",
            "DROP TABLE daily_picks",
            # What the scheduler asks every minute, answered from the index alone and in
            # its order (the earliest active slots), however many subscriptions there are.
            "DROP INDEX subscriptions_due",
            """CREATE INDEX subscriptions_next ON subscriptions
                (next_due, platform, workspace, channel) WHERE paused IS NULL""",
        ),
    ),
    (
        4,
        (
            # Signed requests already answered (Slack's and Discord's signatures), for as
            # long as they could be replayed: any instance refuses what another has seen.
            """CREATE TABLE seen_requests (
                request TEXT PRIMARY KEY,
                seen_at DOUBLE PRECISION NOT NULL
            )""",
            "CREATE INDEX seen_requests_at ON seen_requests (seen_at)",
        ),
    ),
    (
        5,
        (
            # Slack workspaces that installed the app (OAuth): the installation as
            # slack-sdk gives it, as JSON, bot token included; '' for an absent ID.
            """CREATE TABLE slack_installations (
                enterprise_id TEXT NOT NULL,
                team_id TEXT NOT NULL,
                installation TEXT NOT NULL,
                installed_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (enterprise_id, team_id)
            )""",
            # OAuth state parameters issued and not yet used, until they expire.
            """CREATE TABLE oauth_states (
                state TEXT PRIMARY KEY,
                expires_at DOUBLE PRECISION NOT NULL
            )""",
        ),
    ),
    (
        6,
        (
            # Quotes members suggested from chat, reviewed by their community's moderators:
            # served in that community once approved. The id travels in button custom_ids.
            # verification is opaque JSON (the passage found, the diff, why); its outcome
            # a column of its own. Booleans are INTEGER 0/1 on both back ends, so a backup
            # reads the same from either.
            """CREATE TABLE suggestions (
                id TEXT PRIMARY KEY,
                platform TEXT NOT NULL,
                community TEXT NOT NULL,
                suggester TEXT NOT NULL,
                suggested_at DOUBLE PRECISION NOT NULL,
                director TEXT NOT NULL,
                command TEXT NOT NULL,
                text TEXT NOT NULL,
                source_url TEXT NOT NULL,
                context TEXT,
                topic TEXT,
                status TEXT NOT NULL
                    CHECK (status IN ('open', 'approved', 'rejected', 'removed')),
                outcome TEXT NOT NULL
                    CHECK (outcome IN ('found', 'not_found', 'unfetched', 'pending')),
                verification TEXT NOT NULL,
                decided_by TEXT,
                decided_at DOUBLE PRECISION,
                reason TEXT NOT NULL,
                as_attributed INTEGER NOT NULL CHECK (as_attributed IN (0, 1)),
                review_channel TEXT,
                review_message TEXT,
                edited_by TEXT,
                updated_at DOUBLE PRECISION NOT NULL
            )""",
            # A community's queue (open, oldest first), its approved quotes, any status.
            """CREATE INDEX suggestions_by_status ON suggestions
                (platform, community, status, suggested_at, id)""",
            """CREATE INDEX suggestions_by_time ON suggestions
                (platform, community, suggested_at, id)""",
            # A member's suggestions of the last hour, counted for the hourly cap.
            """CREATE INDEX suggestions_by_member ON suggestions
                (platform, community, suggester, suggested_at)""",
            # Where a community's suggestions are reviewed, and whether its approved quotes
            # are published on the web.
            """CREATE TABLE review_settings (
                platform TEXT NOT NULL,
                community TEXT NOT NULL,
                review_channel TEXT,
                published INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
                set_by TEXT NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (platform, community)
            )""",
            # One row per community: locked by suggest (the caps' check and insert, one at
            # a time per community), and the version of its approved set, bumped in the
            # same transaction as what changes that set. epoch is random, made with the
            # row: a store restored or replaced never gives a version seen before.
            """CREATE TABLE suggestion_counters (
                platform TEXT NOT NULL,
                community TEXT NOT NULL,
                epoch TEXT NOT NULL,
                approved_version INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (platform, community)
            )""",
        ),
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]

/**
 * The one place that names every environment variable oar-bot reads.
 *
 * Each variable is declared once with its zod schema, a description (used by the
 * startup report and the README reference), whether it is a secret (never printed)
 * and the feature it belongs to. Components receive the parsed, typed `Config`;
 * nothing else reads `process.env`.
 */
import { z } from 'zod';

export type Feature =
  | 'core'
  | 'configstore'
  | 'slack'
  | 'jira'
  | 'github'
  | 'statebox'
  | 'gitlab'
  | 'errata'
  | 'jenkins'
  | 'prow'
  | 'release-controller'
  | 'images'
  | 'ldap'
  | 'store'
  | 'http'
  | 'auth'
  | 'jobs'
  | 'kubernetes'
  | 'cki'
  | 'playground'
  | 'legacy';

export interface VarDef {
  schema: z.ZodType;
  description: string;
  feature: Feature;
  secret?: boolean;
}

const str = () => z.string().trim().min(1).optional();
const url = () => z.url().optional();
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const list = () =>
  z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
const cron = (def: string) => z.string().trim().min(1).default(def);

/** Every variable, grouped by feature. Order here is the order of the README table. */
export const VARS = {
  // --- core -------------------------------------------------------------------------------------
  LOG_LEVEL: { schema: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'), description: 'Log level (pino).', feature: 'core' },
  OAR_LOG_FORMAT: { schema: z.enum(['json', 'pretty', 'auto']).default('auto'), description: 'Log format: JSON, pretty, or pretty only when stdout is a terminal.', feature: 'core' },
  OAR_COMMAND_TIMEOUT_MS: { schema: int(600_000, 1000), description: 'Hard timeout of one command run (the original bot killed commands after 600 s).', feature: 'core' },
  OAR_SUPPORTED_YSTREAMS: { schema: list(), description: 'Comma-separated y-streams considered active when release discovery is unavailable (e.g. 4.18,4.19,4.20). Data, not code.', feature: 'core' },

  // --- ConfigStore --------------------------------------------------------------------------------
  OAR_JWK: { schema: str(), description: 'Key that decrypts the JWE ConfigStore file (its UTF-8 bytes are the A128GCM key).', feature: 'configstore', secret: true },
  OAR_CONFIG_FILE: { schema: str(), description: 'Path of the JWE-encrypted ConfigStore file (configstore.json).', feature: 'configstore' },
  OAR_BUILD_DATA_URL: { schema: str(), description: 'Override of the ConfigStore build_data_url template for ocp-build-data releases.yml (one %s receives openshift-<y>).', feature: 'configstore' },
  OAR_CONFIG_CACHE_TTL_MS: { schema: int(7 * 24 * 3600 * 1000, 1), description: 'ConfigStore cache TTL (default 7 days).', feature: 'configstore' },
  OAR_CONFIG_CACHE_MAX: { schema: int(50, 1), description: 'ConfigStore cache size (LRU, default 50).', feature: 'configstore' },

  // --- Slack ----------------------------------------------------------------------------------------
  SLACK_BOT_TOKEN: { schema: str(), description: 'Slack bot token (xoxb-...) for the Web API.', feature: 'slack', secret: true },
  SLACK_APP_TOKEN: { schema: str(), description: 'Slack app-level token (xapp-...) for Socket Mode.', feature: 'slack', secret: true },
  SLACK_API_URL: { schema: url(), description: 'Slack Web API base URL (default https://slack.com/api/); point at the simulated Slack in tests.', feature: 'slack' },
  SLACK_TIMEOUT_MS: { schema: int(10_000, 100), description: 'Timeout of one Slack Web API request attempt (notifications).', feature: 'slack' },
  OAR_OPS_CHANNEL: { schema: str(), description: 'Channel for job failure reports and job summaries.', feature: 'slack' },
  OAR_CONFIRM_TTL_MS: { schema: int(600_000, 1000), description: 'How long a confirmation modal stays valid (default 10 min).', feature: 'slack' },

  // --- Jira -----------------------------------------------------------------------------------------
  JIRA_URL: { schema: url(), description: 'Jira base URL; overrides jira_server from ConfigStore.', feature: 'jira' },
  JIRA_TOKEN: { schema: str(), description: 'Jira API token (Cloud, with JIRA_USERNAME) or personal access token (Data Center, Bearer).', feature: 'jira', secret: true },
  JIRA_USERNAME: { schema: str(), description: 'Jira Cloud user e-mail for basic auth. Unset means Bearer auth.', feature: 'jira' },
  JIRA_AUTH: { schema: z.enum(['auto', 'basic', 'bearer']).default('auto'), description: 'Jira auth scheme: basic (Cloud), bearer (Data Center PAT), auto = basic when JIRA_USERNAME is set.', feature: 'jira' },
  JIRA_EMAIL: { schema: str(), description: 'E-mail elliott uses for Jira (check-cve-tracker-bug); unset: elliott gets JIRA_USERNAME.', feature: 'jira' },
  OAR_ELLIOTT_BIN: { schema: str(), description: 'Path of the elliott executable for check-cve-tracker-bug; unset: elliott is looked up on PATH, and without it the command falls back to an approximate Jira sweep.', feature: 'jira' },
  OAR_ELLIOTT_TIMEOUT_MS: { schema: int(300_000, 1000), description: 'Timeout of one elliott find-bugs run (the process is killed after it).', feature: 'jira' },
  JIRA_DEPLOYMENT: { schema: z.enum(['auto', 'cloud', 'datacenter']).default('auto'), description: 'Jira flavour: cloud (enhanced /search/jql, accountId) or datacenter (classic /search, user names); auto = cloud for *.atlassian.net, datacenter for other hosts with bearer auth.', feature: 'jira' },
  JIRA_TIMEOUT_MS: { schema: int(30_000, 100), description: 'Timeout of one Jira request attempt.', feature: 'jira' },
  JIRA_PAGE_SIZE: { schema: int(100, 1), description: 'maxResults of one Jira search page (Cloud caps pages with fields at 100).', feature: 'jira' },
  JIRA_KEY_BATCH_SIZE: { schema: int(100, 1), description: 'Issue keys per key in (...) search when fetching bugs by key (300 bugs = 3 requests at 100).', feature: 'jira' },

  // --- GitHub / StateBox ----------------------------------------------------------------------------
  GITHUB_TOKEN: { schema: str(), description: 'GitHub token. StateBox, release discovery, record branch. Unset: StateBox uses the local directory backend (with Slack tokens set only when OAR_STATEBOX_DIR names it).', feature: 'github', secret: true },
  GITHUB_API_URL: { schema: url(), description: 'GitHub REST API base URL (GitHub Enterprise or simulated).', feature: 'github' },
  GITHUB_GRAPHQL_URL: { schema: url(), description: 'GitHub GraphQL endpoint (default <GITHUB_API_URL>/graphql).', feature: 'github' },
  GITHUB_RAW_URL: { schema: url(), description: 'GitHub raw content base URL (default https://raw.githubusercontent.com).', feature: 'github' },
  GITHUB_TIMEOUT_MS: { schema: int(30_000, 100), description: 'Timeout of one GitHub API call (per attempt).', feature: 'github' },
  OAR_GITHUB_REPO: { schema: z.string().regex(/^[\w.-]+\/[\w.-]+$/).default('openshift/release-tests'), description: 'Repository holding StateBox, tracking files and records.', feature: 'github' },
  OAR_STATEBOX_BRANCH: { schema: z.string().min(1).default('z-stream'), description: 'Branch of StateBox files and ART tracking files.', feature: 'statebox' },
  OAR_RECORD_BRANCH: { schema: z.string().min(1).default('record'), description: 'Branch of Prow test-result records.', feature: 'github' },
  OAR_REGISTRY_BRANCH: { schema: z.string().min(1).default('main'), description: 'Branch of the test-job registries.', feature: 'github' },
  OAR_STATEBOX_DIR: { schema: str(), description: 'Local StateBox directory (embedded backend, used when GITHUB_TOKEN is unset). Default <OAR_DATA_DIR>/statebox; with Slack tokens set (production) it must be set explicitly, else StateBox is refused and /health is degraded.', feature: 'statebox' },
  OAR_STATEBOX_MAX_ATTEMPTS: { schema: int(8, 1), description: 'Attempts of one StateBox write when other writers keep changing the file (each attempt re-reads and merges; the original used 5).', feature: 'statebox' },

  // --- GitLab ---------------------------------------------------------------------------------------
  GITLAB_URL: { schema: url(), description: 'GitLab base URL; overrides gitlab_url from ConfigStore.', feature: 'gitlab' },
  GITLAB_TOKEN: { schema: str(), description: 'GitLab private token (shipment MR flow).', feature: 'gitlab', secret: true },
  OAR_SHIPMENT_FORK: { schema: str(), description: 'GitLab project path of the fork used for drop-bugs shipment MRs (no hard-coded personal fork).', feature: 'gitlab' },
  OAR_DROP_BUGS_MERGE_POLL_MS: { schema: int(10_000, 1), description: 'drop-bugs: interval between reads of a new drop-bugs MR while waiting until it can be merged (the original: 10 s).', feature: 'gitlab' },
  OAR_DROP_BUGS_MERGE_WAIT_MS: { schema: int(300_000, 0), description: 'drop-bugs: how long to wait for a new drop-bugs MR to become mergeable before setting auto-merge (the original: 300 s); 0 skips auto-merge.', feature: 'gitlab' },

  // --- Errata Tool ------------------------------------------------------------------------------------
  ERRATA_URL: { schema: url(), description: 'Errata Tool base URL (default https://errata.devel.redhat.com).', feature: 'errata' },
  ERRATA_AUTH: { schema: z.enum(['kerberos', 'none', 'token']).default('kerberos'), description: 'Errata auth provider: kerberos (SPNEGO, needs the optional kerberos package and a ticket), token, none.', feature: 'errata' },
  ERRATA_TOKEN: { schema: str(), description: 'Bearer token when ERRATA_AUTH=token.', feature: 'errata', secret: true },
  KRB5CCNAME: { schema: str(), description: 'Kerberos credential cache (standard variable).', feature: 'errata' },
  BREW_DOWNLOAD_URL: { schema: url(), description: 'Brew file tree (brewroot) holding packages/<name>/<version>/<release>/metadata.json of RHCOS builds, read by the kernel stop-ship guard of change-advisory-status (default https://download.engineering.redhat.com/brewroot).', feature: 'errata' },
  BREW_HUB_URL: { schema: url(), description: 'Brew hub (koji XML-RPC) asked listTags for the kernel build by the kernel stop-ship guard (default https://brewhub.engineering.redhat.com/brewhub). Anonymous: no Kerberos needed.', feature: 'errata' },

  // --- Jenkins ----------------------------------------------------------------------------------------
  JENKINS_URL: { schema: url(), description: 'Jenkins base URL; overrides jenkins_server from ConfigStore.', feature: 'jenkins' },
  JENKINS_USER: { schema: str(), description: 'Jenkins user (basic auth).', feature: 'jenkins' },
  JENKINS_TOKEN: { schema: str(), description: 'Jenkins API token.', feature: 'jenkins', secret: true },
  JENKINS_QUEUE_WAIT_MS: { schema: int(90_000, 0), description: 'How long a Jenkins trigger follows its queue item to the build number (the original: 3 x 30 s).', feature: 'jenkins' },
  JENKINS_QUEUE_POLL_MS: { schema: int(5_000, 1), description: 'Interval between reads of a Jenkins queue item.', feature: 'jenkins' },

  // --- Prow / Gangway ---------------------------------------------------------------------------------
  APITOKEN: { schema: str(), description: 'Gangway bearer token (Prow job triggers).', feature: 'prow', secret: true },
  GANGWAY_URL: { schema: url(), description: 'Gangway base URL.', feature: 'prow' },
  PROW_URL: { schema: url(), description: 'Prow base URL (job records).', feature: 'prow' },
  PROW_URL_WAIT_MS: { schema: int(25_000, 0), description: 'How long to wait for a triggered Prow job to get its URL (the original: 5 x 5 s).', feature: 'prow' },
  PROW_URL_POLL_MS: { schema: int(5_000, 1), description: 'Interval between reads of a triggered Prow job while waiting for its URL.', feature: 'prow' },
  GCS_CRED_FILE: { schema: str(), description: 'Path of the Google service-account JSON that reads QE test reports of Prow runs from GCS (aggregator testResultSummary). Unset: no summaries.', feature: 'prow' },
  GCS_API_URL: { schema: url(), description: 'Google Cloud Storage JSON API base URL (default https://storage.googleapis.com).', feature: 'prow' },

  // --- Release controller, payload, images --------------------------------------------------------------
  RELEASE_CONTROLLER_URL: { schema: str(), description: 'Release controller base URL; may contain {arch} (default https://{arch}.ocp.releases.ci.openshift.org).', feature: 'release-controller' },
  SIGNATURE_URL: { schema: url(), description: 'Signature mirror base URL; overrides signature_url from ConfigStore.', feature: 'images' },
  PYXIS_URL: { schema: url(), description: 'Pyxis base URL (Errata-flow image grades).', feature: 'images' },
  CATALOG_URL: { schema: url(), description: 'Container catalog base URL (released images).', feature: 'images' },
  CATALOG_STAGE_URL: { schema: url(), description: 'Stage container catalog base URL (Konflux image grades).', feature: 'images' },
  OAR_IMAGE_DIGEST_RETRIES: { schema: int(3, 0), description: 'Retries of the image digest lookup (the original: 16 x 30 s).', feature: 'images' },
  OAR_IMAGE_DIGEST_RETRY_MS: { schema: int(5_000, 0), description: 'Delay between image digest retries.', feature: 'images' },
  OAR_REGISTRY_URL: { schema: url(), description: 'Registry base URL used to read release images (payload metadata); default https://<registry host of the pullspec>.', feature: 'images' },
  OAR_PAYLOAD_METADATA_TIMEOUT_MS: { schema: int(10_000, 1), description: 'Timeout of the payload metadata URL reachability check (the original: 10 s).', feature: 'images' },

  // --- LDAP -------------------------------------------------------------------------------------------
  LDAP_URL: { schema: str(), description: 'LDAP URL (default ldaps://ldap.corp.redhat.com).', feature: 'ldap' },
  LDAP_BASE_DN: { schema: z.string().default('dc=redhat,dc=com'), description: 'LDAP search base.', feature: 'ldap' },
  LDAP_BIND_DN: { schema: str(), description: 'LDAP bind DN; unset means anonymous bind.', feature: 'ldap' },
  LDAP_BIND_PASSWORD: { schema: str(), description: 'LDAP bind password.', feature: 'ldap', secret: true },
  LDAP_TIMEOUT_MS: { schema: int(10_000, 100), description: 'Timeout of LDAP connects and operations.', feature: 'ldap' },

  // --- Kubernetes (release payload labels) ------------------------------------------------------------
  KUBE_API_URL: { schema: url(), description: 'Kubernetes API of the app.ci cluster (releasepayload labels).', feature: 'kubernetes' },
  KUBE_TOKEN: { schema: str(), description: 'Kubernetes bearer token.', feature: 'kubernetes', secret: true },

  // --- Operational store --------------------------------------------------------------------------------
  OAR_DATA_DIR: { schema: z.string().min(1).default('./data'), description: 'Data directory of the embedded SQLite store (and default local StateBox).', feature: 'store' },
  DATABASE_URL: { schema: str(), description: 'postgres://... to use PostgreSQL (several replicas share it) instead of embedded SQLite.', feature: 'store', secret: true },
  OAR_LOCK_TTL_MS: { schema: int(30 * 60_000, 1000), description: 'Expiry of a per-release lock when its holder dies.', feature: 'store' },
  OAR_LOCK_HEARTBEAT_MS: { schema: int(15_000, 100), description: 'How often a running command renews the heartbeat of its per-release lock.', feature: 'store' },
  OAR_LOCK_STALE_MS: { schema: int(60_000, 1000), description: 'A lock whose heartbeat is older than this belongs to a dead holder: the next run takes it over at once (audited).', feature: 'store' },

  // --- HTTP server ---------------------------------------------------------------------------------------
  OAR_HTTP_PORT: { schema: int(8080, 0), description: 'Port of /health, /livez, /metrics and /mcp.', feature: 'http' },
  OAR_HTTP_HOST: { schema: z.string().default('0.0.0.0'), description: 'Bind address of the HTTP server.', feature: 'http' },
  OAR_SHUTDOWN_GRACE_MS: { schema: int(60_000, 0), description: 'How long in-flight commands may finish after SIGTERM.', feature: 'http' },

  // --- Authorization -----------------------------------------------------------------------------------
  OAR_ROLES_FILE: { schema: str(), description: 'YAML file mapping Slack user ids / user-group handles to read, write, critical.', feature: 'auth' },
  OAR_WRITE_USERS: { schema: list(), description: 'Slack user ids with the write role (comma-separated).', feature: 'auth' },
  OAR_CRITICAL_USERS: { schema: list(), description: 'Slack user ids with the critical role.', feature: 'auth' },
  OAR_WRITE_GROUPS: { schema: list(), description: 'Slack user-group handles with the write role.', feature: 'auth' },
  OAR_CRITICAL_GROUPS: { schema: list(), description: 'Slack user-group handles with the critical role.', feature: 'auth' },
  OAR_MCP_TOKENS: { schema: str(), description: 'MCP bearer tokens: comma-separated name:role:token entries (role read, write or critical).', feature: 'auth', secret: true },
  OAR_MCP_ANONYMOUS: { schema: bool(true), description: 'Accept MCP requests without a token as client anonymous with the read role; false requires a token from OAR_MCP_TOKENS.', feature: 'auth' },
  OAR_SECOND_APPROVAL: { schema: list(), description: 'Critical commands that need a second person to approve after confirmation (every front end: Slack, MCP, CLI).', feature: 'auth' },
  OAR_APPROVAL_TTL_MS: { schema: int(30 * 60_000, 1000), description: 'How long a second-person approval request waits before it expires.', feature: 'auth' },
  OAR_APPROVAL_POLL_MS: { schema: int(2_000, 50), description: 'How often a waiting CLI/MCP client and the bot (announcing and expiring approval requests) read the store.', feature: 'auth' },

  // --- Scheduled jobs ------------------------------------------------------------------------------------
  OAR_JOBS_ENABLED: { schema: bool(true), description: 'Run scheduled jobs in this process.', feature: 'jobs' },
  OAR_TIMEZONE: { schema: z.string().default('UTC'), description: 'Time zone of the cron schedules.', feature: 'jobs' },
  OAR_CRON_JIRA_NOTIFICATOR: { schema: cron('0 */4 * * 1-5'), description: 'Jira notificator schedule (observed: every 4 h on weekdays).', feature: 'jobs' },
  OAR_CRON_RESULT_CHECKER: { schema: cron('*/30 * * * *'), description: 'Rejected-build checker schedule.', feature: 'jobs' },
  OAR_CRON_RELEASE_DETECTOR: { schema: cron('0 */4 * * *'), description: 'Release detector schedule.', feature: 'jobs' },
  OAR_CRON_WATCHERS: { schema: cron('*/2 * * * *'), description: 'Watcher poll schedule.', feature: 'jobs' },
  OAR_CRON_PROW: { schema: cron('15 * * * *'), description: 'Prow controller + aggregator schedule (observed: hourly at :15).', feature: 'jobs' },
  OAR_NOTIFICATOR_CHANNEL: { schema: str(), description: 'Channel for the Jira notificator run summary.', feature: 'jobs' },
  OAR_RESULT_CHECKER_CHANNEL: { schema: str(), description: 'Channel for rejected-build notifications.', feature: 'jobs' },
  OAR_APPROVAL_CHECK_INTERVAL_MS: { schema: int(30 * 60_000, 1000), description: 'Async approval: interval between payload metadata checks.', feature: 'jobs' },
  OAR_APPROVAL_MAX_WAIT_MS: { schema: int(2 * 24 * 3600_000, 1000), description: 'Async approval: give up after this long.', feature: 'jobs' },
  OAR_CDN_PUSH_POLL_MS: { schema: int(5 * 60_000, 1000), description: 'push-to-cdn-staging: interval between checks of the running CDN stage push jobs (cdn-push watch).', feature: 'jobs' },
  OAR_CDN_PUSH_MAX_WAIT_MS: { schema: int(4 * 3600_000, 1000), description: 'push-to-cdn-staging: stop watching the stage push jobs after this long (they take 30-60 min).', feature: 'jobs' },
  OAR_PROW_STREAMS: { schema: list(), description: 'Prow controller streams: comma-separated y:nightly|stable:arch (e.g. 4.19:nightly:amd64).', feature: 'jobs' },
  OAR_PROW_RETRY_ERROR: { schema: bool(false), description: 'Prow aggregator: retry a required job whose first run ended in state error, like a failure. Default false = the original: an error run is neither failed nor passed, is not retried, and the build is rejected.', feature: 'jobs' },
  OAR_PROW_CHANNEL: { schema: str(), description: 'Release channel for the Prow aggregator verdicts (QE accepted / rejected build, failed jobs with links). Unset: verdicts are only logged.', feature: 'jobs' },

  // --- CKI notifier (names from the CKI README) -----------------------------------------------------------
  RABBITMQ_HOST: { schema: str(), description: 'RabbitMQ host; set it to run the CKI notifier in the bot process.', feature: 'cki' },
  RABBITMQ_PORT: { schema: int(5672, 1), description: 'RabbitMQ port; 443 means TLS.', feature: 'cki' },
  RABBITMQ_VIRTUAL_HOST: { schema: z.string().default('/'), description: 'RabbitMQ virtual host.', feature: 'cki' },
  RABBITMQ_USER: { schema: z.string().default('guest'), description: 'RabbitMQ user.', feature: 'cki' },
  RABBITMQ_PASSWORD: { schema: z.string().default('guest'), description: 'RabbitMQ password.', feature: 'cki', secret: true },
  RABBITMQ_CAFILE: { schema: str(), description: 'CA bundle for RabbitMQ TLS.', feature: 'cki' },
  WEBHOOK_RECEIVER_EXCHANGE: { schema: z.string().default('cki.exchange.webhooks'), description: 'Exchange the DataWarehouse webhooks arrive on.', feature: 'cki' },
  RABBITMQ_QUEUE: { schema: z.string().default('cki.queue.webhooks.ready-for-test'), description: 'Queue the notifier consumes.', feature: 'cki' },
  RABBITMQ_ROUTING_KEYS: { schema: z.string().default('datawarehouse.checkout.#'), description: 'Space-separated routing keys bound to the queue (DataWarehouse keys are datawarehouse.<object_type>.<status>; only checkout events matter to the notifier).', feature: 'cki' },
  DATAWAREHOUSE_URL: { schema: url(), description: 'DataWarehouse base URL.', feature: 'cki' },
  DATAWAREHOUSE_TOKEN: { schema: str(), description: 'DataWarehouse API token.', feature: 'cki', secret: true },
  CKI_DATAWAREHOUSE_TREE: { schema: z.enum(['auto', 'tree', 'walk']).default('auto'), description: 'How the notifier reads a post-test checkout (pre-test ones always read the checkout and its builds): auto = the whole tree in one request (/api/1/kcidb/checkouts/<id>/all), falling back for good to checkout, builds and tests one by one once DataWarehouse shows it has no such endpoint; tree = the one request, and an endpoint found missing is an error; walk = never the one request.', feature: 'cki' },
  CKI_DEPLOYMENT_ENVIRONMENT: { schema: z.string().default('development'), description: 'production publishes; anything else logs the message instead.', feature: 'cki' },
  CKI_LOGGING_LEVEL: { schema: z.preprocess((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v), z.enum(['DEBUG', 'INFO', 'WARN', 'WARNING', 'ERROR', 'CRITICAL']).default('WARN')), description: 'CKI notifier log level (Python names), defaults to WARN; set INFO for meaningful command-line output.', feature: 'cki' },
  CKI_METRICS_ENABLED: { schema: bool(false), description: 'Expose CKI Prometheus metrics.', feature: 'cki' },
  CKI_METRICS_PORT: { schema: int(8000, 0), description: 'Port of the Prometheus metrics of the standalone notifier (oarctl cki-notifier); inside the bot the metrics join /metrics. Default 8000.', feature: 'cki' },
  CKI_PUBLISHER: { schema: z.enum(['amqp', 'kafka']).default('kafka'), description: 'Where ready-for-test messages go in production: kafka (the CKI README: topic kafka.tx.cki.ready-for-test, needs KAFKA_BROKERS) or amqp (an exchange of the same name on the RabbitMQ the notifier consumes from; for a lab or staging broker without Kafka).', feature: 'cki' },
  CKI_READY_FOR_TEST_TOPIC: { schema: z.string().default('kafka.tx.cki.ready-for-test'), description: 'Kafka topic (or AMQP exchange with CKI_PUBLISHER=amqp) of ready-for-test messages.', feature: 'cki' },
  JIRA_SERVER: { schema: url(), description: 'CKI notifier: Jira server whose issues named in a merge request (title/description) are added to merge_request.jira_issues once Jira confirms them. Unset: no Jira lookup.', feature: 'cki' },
  JIRA_TOKEN_AUTH: { schema: str(), description: 'CKI notifier: Jira personal access token (Bearer) for JIRA_SERVER.', feature: 'cki', secret: true },
  KAFKA_BROKERS: { schema: list(), description: 'Kafka brokers (host:port, comma-separated) when CKI_PUBLISHER=kafka.', feature: 'cki' },
  CKI_FAIL_CHANNEL: { schema: str(), description: 'Optional Slack channel for post-test fail notices.', feature: 'cki' },
  CKI_MAX_ATTEMPTS: { schema: int(5, 1), description: 'Deliveries of one message before it is dead-lettered.', feature: 'cki' },
  CKI_PREFETCH: { schema: int(64, 1), description: 'Unacknowledged DataWarehouse messages the notifier processes at once (AMQP prefetch).', feature: 'cki' },
  KAFKA_SSL: { schema: bool(false), description: 'Use TLS to the Kafka brokers (CKI_PUBLISHER=kafka).', feature: 'cki' },
  KAFKA_SASL_MECHANISM: { schema: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(), description: 'Kafka SASL mechanism; unset means no SASL.', feature: 'cki' },
  KAFKA_SASL_USERNAME: { schema: str(), description: 'Kafka SASL user.', feature: 'cki' },
  KAFKA_SASL_PASSWORD: { schema: str(), description: 'Kafka SASL password.', feature: 'cki', secret: true },

  // --- Playground ---------------------------------------------------------------------------------------
  OAR_PLAYGROUND: { schema: z.enum(['auto', 'on', 'off']).default('auto'), description: 'Start the local playground (simulated Slack and services): auto = when Slack tokens are absent and not in production.', feature: 'playground' },
  OAR_PLAYGROUND_PORT: { schema: int(3000, 0), description: 'Port of the playground web page.', feature: 'playground' },

  // --- legacy ------------------------------------------------------------------------------------------
  GCP_SA_FILE: { schema: str(), description: 'Google service account file of the legacy Sheets report (not used by oar-bot; reported for parity).', feature: 'legacy', secret: true },
  NODE_ENV: { schema: z.string().default('development'), description: 'production disables the automatic playground.', feature: 'core' },
} satisfies Record<string, VarDef>;

export type VarName = keyof typeof VARS;

type Out<K extends VarName> = z.output<(typeof VARS)[K]['schema']>;
export type Config = { readonly [K in VarName]: Out<K> };

export const SECRET_VARS: readonly VarName[] = (Object.keys(VARS) as VarName[]).filter(
  (k) => (VARS[k] as VarDef).secret === true,
);

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Parse the environment. Empty strings count as unset (as the original's check did).
 * One message per invalid variable; secret values are never echoed.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, def] of Object.entries(VARS) as [VarName, VarDef][]) {
    const raw = env[name];
    const value = raw === undefined || raw.trim() === '' ? undefined : raw;
    const parsed = def.schema.safeParse(value);
    if (parsed.success) {
      out[name] = parsed.data;
    } else {
      const why = parsed.error.issues.map((i) => i.message).join('; ');
      problems.push(def.secret ? `${name}: invalid value (${why}); the value is secret and not shown` : `${name}: invalid value ${JSON.stringify(value)} (${why})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as Config;
}

/** Config for tests: defaults plus overrides, validated the same way. */
export function testConfig(overrides: Partial<Record<VarName, string>> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', OAR_JOBS_ENABLED: 'false', LOG_LEVEL: 'silent', ...overrides });
}

/** GitLab constants without the client's dependencies (commands import these while `oar help` loads). */
export const SYSTEM = 'GitLab';

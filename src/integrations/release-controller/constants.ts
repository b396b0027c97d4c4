/** Release-controller constants without the client's dependencies (command definitions use them while `oar help` loads). */
export const ARCHES = ['amd64', 'arm64', 'multi', 'ppc64le', 's390x'] as const;
export type Arch = (typeof ARCHES)[number];

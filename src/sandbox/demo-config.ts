/**
 * The demo ConfigStore content (the plaintext of configstore.json) used by the sandbox and the
 * playground, and a helper that writes it encrypted with a demo OAR_JWK, exactly as production
 * ships the real one.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { encryptLocalConfig, type LocalConfig } from '../release/configstore.ts';

/** 16 ASCII bytes = an A128GCM key. Not a secret: the demo world only. */
export const DEMO_JWK = 'demo-key-0123456';

export interface DemoUrls {
  buildDataTemplate: string;
  jira?: string;
  jenkins?: string;
  gitlab?: string;
  releaseController?: string;
  signatures?: string;
}

export function demoLocalConfig(urls: DemoUrls, ystreams: string[] = ['4.12', '4.13', '4.14', '4.15', '4.16', '4.17', '4.18', '4.19', '4.20', '4.21', '4.22', '5.0']): LocalConfig {
  const qeRelease: Record<string, string> = { channel: '#team-qe-release' };
  for (const y of ystreams) qeRelease[y] = `openshift-qe-release-${y.replace('.', '-')}`;
  return {
    build_data_url: urls.buildDataTemplate,
    owners: { default: 'qe-lead@example.com' },
    contacts: {
      slack: {
        qe: { channel: '#forum-qe', id: 'openshift-qe' },
        'qe-release': qeRelease,
        'qe-forum': { channel: '#forum-ocp-qe' },
        art: { channel: '#forum-ocp-art', id: 'art-team' },
        approver: { channel: '#ocp-approvers', doc_id: 'openshift-docs', prodsec_id: 'prodsec@example.com' },
      },
      email: { qe: 'aos-qe@example.com' },
    },
    jira_server: urls.jira ?? 'https://redhat.atlassian.net',
    jenkins_server: urls.jenkins ?? 'https://jenkins.example.dno.corp.redhat.com',
    gitlab_url: urls.gitlab ?? 'https://gitlab.cee.redhat.com',
    release_url: urls.releaseController ?? 'https://amd64.ocp.releases.ci.openshift.org/',
    signature_url: urls.signatures ?? 'https://mirror.openshift.com/pub/openshift-v4/signatures/openshift/release/',
  };
}

/** Write the encrypted demo config; returns its path. */
export async function writeDemoConfigFile(path: string, urls: DemoUrls, jwk = DEMO_JWK): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, await encryptLocalConfig(demoLocalConfig(urls), jwk), 'utf8');
  return path;
}

import { dump, load } from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { payloadImageConsistencyCheck as payloadImageConsistencyCheckDecl } from '../../src/commands/payload-image-consistency-check.ts';
import { parseOptions } from '../../src/commands/options.ts';
import { isSkippedImage, sameIdentifier, shipmentVersionOf, EMPTY_METADATA } from '../../src/release/payload-consistency.ts';
import { SHIPMENT_PROJECT } from '../../src/sandbox/world.ts';
import { createRegistry } from '../../src/commands/index.ts';
import { CommandParser } from '../../src/commands/parser.ts';
import { toolNameOf } from '../../src/mcp/catalog.ts';
import { endCommandTest, startCommandWorld, type CommandWorld } from '../helpers/command-world.ts';
import { commandOf } from '../../src/commands/index.ts';

const payloadImageConsistencyCheck = commandOf(payloadImageConsistencyCheckDecl);

const checker = payloadImageConsistencyCheck;

afterEach(endCommandTest);

describe('the in-Prow checker rules (oar-commands 8.3)', () => {
  it('skips exactly machine-os-content and the rhel-coreos images (test_is_skipped_image)', () => {
    for (const n of ['machine-os-content', 'rhel-coreos', 'rhel-coreos-9', 'rhel-coreos-extensions', 'rhel-coreos-9-extensions']) expect(isSkippedImage(n), n).toBe(true);
    for (const n of ['rhel-coreos-abc', 'my-rhel-coreos', 'machine-os-content-extra', 'cli']) expect(isSkippedImage(n), n).toBe(false);
  });

  it('same identifier: non-empty equal list digest, digest or vcs-ref; empty values never match', () => {
    expect(sameIdentifier({ ...EMPTY_METADATA, vcsRef: 'abc' }, { ...EMPTY_METADATA, vcsRef: 'abc' })).toBe(true);
    expect(sameIdentifier({ ...EMPTY_METADATA, listDigest: 'sha256:1' }, { ...EMPTY_METADATA, listDigest: 'sha256:1' })).toBe(true);
    expect(sameIdentifier(EMPTY_METADATA, EMPTY_METADATA)).toBe(false);
    expect(sameIdentifier({ ...EMPTY_METADATA, digest: 'sha256:1' }, { ...EMPTY_METADATA, digest: 'sha256:2' })).toBe(false);
    expect(shipmentVersionOf('shipment FOR 4.19.10-rc.1 ')).toBe('4.19.10-rc.1');
    expect(() => shipmentVersionOf('Prepare 4.19.10')).toThrow('Invalid shipment MR title: Prepare 4.19.10');
  });

  it('`oarctl image-consistency-check` is the checker, `oar image-consistency-check` the workflow command; the MCP tool is oarctl_image_consistency_check', () => {
    const parser = new CommandParser(createRegistry());
    const p = parser.parseArgv('oarctl', ['image-consistency-check', '-p', 'quay.io/openshift-release-dev/ocp-release:4.19.10-x86_64', '-m', '12']);
    expect(p).toMatchObject({ kind: 'command', command: { name: 'payload-image-consistency-check' }, options: { payloadUrl: 'quay.io/openshift-release-dev/ocp-release:4.19.10-x86_64', mrId: 12, checkVersion: true } });
    expect(parser.parseArgv('oar', ['-r', '4.19.10', 'image-consistency-check'])).toMatchObject({ kind: 'command', command: { name: 'image-consistency-check' } });
    expect(parser.parseArgv('oarctl', ['help', 'image-consistency-check'])).toEqual({ kind: 'help', topic: 'payload-image-consistency-check' });
    expect(() => parseOptions(checker, ['-p', 'quay.io/x:1;rm -rf /', '-m', '1'])).toThrow(/pull spec/);
    expect(toolNameOf(checker)).toBe('oarctl_image_consistency_check');
  });
});

describe('oarctl image-consistency-check against the simulated registry, GitLab and catalog', () => {
  async function world(): Promise<{ w: CommandWorld; mrIid: number; files: Map<string, string>; paths: string[] }> {
    const w = await startCommandWorld({ commands: [checker] });
    const seeded = w.world.seedRelease('4.19.10');
    const mr = w.world.gitlab.mergeRequests.find((m) => m.iid === seeded.mrIid)!;
    const files = w.world.gitlab.projectByPath(SHIPMENT_PROJECT)!.branches.get(mr.sourceBranch)!;
    return { w, mrIid: seeded.mrIid!, files, paths: [...files.keys()] };
  }

  function setComponents(files: Map<string, string>, path: string, components: { name: string; containerImage?: string }[]): void {
    const doc = load(files.get(path)!) as { shipment: { snapshot: { spec: { components: unknown[] } } } };
    doc.shipment.snapshot.spec.components = components;
    files.set(path, dump(doc));
  }

  it('passes images found in the shipment (list digest, vcs-ref) or released; fails the rest naming same-name components; skips RHCOS', async () => {
    const { w, mrIid, files, paths } = await world();
    const rel = w.world.releases;
    const cli = rel.seedImage('ocp/cli', { multiArch: true, labels: { name: 'openshift/ose-cli', 'vcs-ref': 'c1' } });
    const api = rel.seedImage('ocp/api', { labels: { name: 'openshift/ose-api', 'vcs-ref': 'a1' } });
    const apiShip = rel.seedImage('art/api', { labels: { name: 'openshift/ose-api', 'vcs-ref': 'a1', release: '2' } });
    const old = rel.seedImage('ocp/old', { labels: { name: 'openshift/ose-old' } });
    const drift = rel.seedImage('ocp/drift', { labels: { name: 'openshift/ose-drift', 'vcs-ref': 'd1' } });
    const driftShip = rel.seedImage('art/drift', { labels: { name: 'openshift/ose-drift', 'vcs-ref': 'd2' } });
    rel.seedCatalogImage(old.digest, {});
    const payload = 'quay.io/openshift-release-dev/ocp-release:4.19.10-checker';
    rel.seedRelease({
      name: '4.19.10',
      pullSpec: payload,
      images: [
        { name: 'cli', pullSpec: cli.pullSpec() },
        { name: 'api', pullSpec: api.pullSpec() },
        { name: 'old', pullSpec: old.pullSpec() },
        { name: 'drift', pullSpec: drift.pullSpec() },
        { name: 'rhel-coreos', pullSpec: 'quay.io/not/seeded@sha256:' + '0'.repeat(64) },
      ],
    });
    setComponents(files, paths[0]!, [{ name: 'ose-cli', containerImage: cli.pullSpec() }, { name: 'ose-api', containerImage: apiShip.pullSpec() }, { name: 'no-image' }]);
    setComponents(files, paths[1]!, [{ name: 'ose-drift', containerImage: driftShip.pullSpec() }]);

    const r = await w.run(checker, '', { payloadUrl: payload, mrId: mrIid, checkVersion: true });
    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toBe('Payload images are not consistent with images in shipment. 1 of 4 payload images not found');
    expect((r.outcome.data as { images: unknown[] }).images).toEqual([
      { name: 'cli', pullspec: cli.pullSpec(), result: 'pass', by: 'shipment', component: 'ose-cli' },
      { name: 'api', pullspec: api.pullSpec(), result: 'pass', by: 'shipment', component: 'ose-api' },
      { name: 'old', pullspec: old.pullSpec(), result: 'pass', by: 'catalog' },
      { name: 'drift', pullspec: drift.pullSpec(), result: 'fail', sameName: [{ name: 'ose-drift', pullspec: driftShip.pullSpec() }] },
    ]);
    expect(r.log).toContain('Component no-image in ');
    expect(r.log).toContain('Please check manually');
    expect(r.log).toContain('Payload images are not consistent with images in shipment.');

    // Once the drifted image is released, the payload is consistent.
    rel.seedCatalogImage(drift.digest, {});
    const again = await w.run(checker, '', { payloadUrl: payload, mrId: mrIid, checkVersion: true });
    expect(again.outcome).toMatchObject({ status: 'pass', summary: 'All payload images are consistent with images in shipment.' });
  });

  it('refuses a payload whose version differs from the shipment MR title (unless --no-check-version)', async () => {
    const { w, mrIid } = await world();
    const payload = 'quay.io/openshift-release-dev/ocp-release:4.19.11-checker';
    w.world.releases.seedRelease({ name: '4.19.11', pullSpec: payload, images: [] });
    const r = await w.run(checker, '', { payloadUrl: payload, mrId: mrIid, checkVersion: true });
    expect(r.outcome).toMatchObject({ status: 'fail', summary: 'Payload version 4.19.11 does not match shipment version 4.19.10' });
    const skip = await w.run(checker, '', { payloadUrl: payload, mrId: mrIid, checkVersion: false });
    expect(skip.outcome.status).toBe('pass');
  });
});

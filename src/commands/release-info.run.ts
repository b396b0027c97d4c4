/** What `releaseInfo` does (declared in ./release-info.ts; the registry imports this module on its first run). */
import { implement } from './types.ts';
import { releaseInfo } from './release-info.ts';

export default implement(releaseInfo, {
  async run(ctx) {
    const cs = await ctx.configStore();
    const md = cs.metadata();
    const jiraBase = ctx.config.JIRA_URL ?? cs.jiraServer() ?? 'https://redhat.atlassian.net';
    const advisories = Object.entries(md.advisories);
    const builds = Object.entries(md.candidate_builds);
    const links = [
      ...(md.jira_ticket ? [{ label: md.jira_ticket, url: `${jiraBase.replace(/\/$/, '')}/browse/${md.jira_ticket}` }] : []),
      ...(md.shipment_mr ? [{ label: 'Shipment MR', url: md.shipment_mr }] : []),
    ];
    return {
      status: 'info',
      summary: `${md.release} (${md.flow === 'konflux' ? 'Konflux flow' : 'Errata flow'}), release date ${md.release_date || 'unknown'}`,
      sections: [
        {
          fields: [
            { label: 'Flow', value: md.flow === 'konflux' ? 'Konflux (shipment MR)' : 'Errata' },
            { label: 'Release date', value: md.release_date || 'not set' },
            { label: 'ART ticket', value: md.jira_ticket ?? 'none' },
            { label: 'Shipment MR', value: md.shipment_mr || 'none' },
          ],
        },
        { title: 'Advisories', lines: advisories.length ? advisories.map(([k, v]) => `${k}: ${v}`) : ['none'] },
        { title: 'Candidate builds', lines: builds.length ? builds.map(([k, v]) => `${k}: ${v}`) : ['none'] },
      ],
      links,
      data: md,
      nextSteps: [{ label: 'Release status', command: 'release-status' }],
    };
  },
});

/**
 * Release channels: when a version is published in channels, every live instance of the same app
 * that follows one of them and runs an older version hears of it. With `upgrades: automatic` it
 * is upgraded, as its creator, when the move needs no fresh consent (apps/consent-diff.ts);
 * otherwise — a manual instance, or a move that widens permissions, meters or prices — an
 * `app_instance.upgrade_available` event says so. A version whose approval does not cover an
 * instance's project is not offered to it.
 */
import type { UserDirectory } from '../auth/standing.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../logger.js';
import { consentDiff } from './consent-diff.js';
import { publishInstanceEvent } from './instance-events.js';
import { creatorPrincipal } from './instance-principal.js';
import { currentLaunch } from './instance-store.js';
import type { InstanceRow } from './instance-store.js';
import { upgradeInstance, versionRow } from './instance-upgrade.js';
import type { UpgradeServices } from './instance-upgrade.js';
import { checkLaunchable } from './launch-trust.js';
import { channelsOf, storedManifest } from './versions.js';
import type { AppVersionRow } from './versions.js';

export interface ChannelServices extends UpgradeServices {
  users: UserDirectory;
  bus: EventBus;
  logger: Logger;
}

/** What happened to each follower: upgraded, offered (event), or skipped, with why. */
export interface FollowerOutcome {
  instanceId: string;
  outcome: 'upgraded' | 'offered' | 'skipped' | 'failed';
  detail?: string;
}

/** Live instances of `version`'s app on an older version that follow one of its channels. */
async function followers(s: ChannelServices, version: AppVersionRow): Promise<InstanceRow[]> {
  return (
    s.db
      .selectFrom('app_instances')
      .innerJoin('app_versions', 'app_versions.id', 'app_instances.version_id')
      .selectAll('app_instances')
      .where('app_versions.project_id', '=', version.project_id)
      .where('app_versions.repository', '=', version.repository)
      .where('app_instances.ended_at', 'is', null)
      .where('app_instances.state', '=', 'running')
      .where('app_instances.channel', 'in', channelsOf(version))
      // Version ids grow with registration: a channel never moves an instance backwards.
      .where('app_instances.version_id', '<', version.id)
      .orderBy('app_instances.id')
      .execute()
  );
}

async function follow(
  s: ChannelServices,
  version: AppVersionRow,
  row: InstanceRow,
): Promise<FollowerOutcome> {
  const project = await s.db
    .selectFrom('projects')
    .select(['id', 'organization_id'])
    .where('id', '=', row.project_id)
    .executeTakeFirstOrThrow();
  try {
    checkLaunchable(version, { id: project.id, organizationId: project.organization_id });
  } catch {
    return { instanceId: row.id, outcome: 'skipped', detail: 'not approved for its project' };
  }
  const current = await versionRow(s.db, row.version_id);
  const diff = consentDiff(
    { from: current.version, to: version.version },
    storedManifest(current),
    storedManifest(version),
  );
  if (row.upgrades === 'automatic' && !diff.widening) {
    const principal = await creatorPrincipal(s.db, s.users, row);
    await upgradeInstance(s, principal, row, { version: version.id });
    return { instanceId: row.id, outcome: 'upgraded' };
  }
  const launch = await currentLaunch(s.db, row.id);
  if (launch === undefined) return { instanceId: row.id, outcome: 'skipped', detail: 'never launched' };
  await publishInstanceEvent(s.bus, s.db, {
    type: 'app_instance.upgrade_available',
    launch,
    data: { version: version.version, consent_required: diff.widening },
  });
  return { instanceId: row.id, outcome: 'offered', detail: diff.widening ? 'needs consent' : 'manual' };
}

/**
 * Offers or applies the newly published `versionId` to the instances following its channels,
 * one after the other; a failed upgrade is reported and does not stop the others.
 */
export async function followRelease(s: ChannelServices, versionId: string): Promise<FollowerOutcome[]> {
  const version = await versionRow(s.db, versionId);
  const outcomes: FollowerOutcome[] = [];
  for (const row of await followers(s, version)) {
    try {
      outcomes.push(await follow(s, version, row));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      s.logger.warn({ err: error, instance_id: row.id, version_id: versionId }, 'automatic upgrade failed');
      outcomes.push({ instanceId: row.id, outcome: 'failed', detail });
    }
  }
  return outcomes;
}

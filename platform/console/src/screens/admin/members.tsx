/**
 * A project's members and their roles. Every member may read the list; owners (and operators)
 * add people by email, change roles and remove members, each change confirmed first. The rules
 * (a project keeps an owner, only owners manage) are the platform's: its refusals are shown with
 * their code and detail.
 */
import { collectAll } from '@gpuaas/sdk/browser';
import { useId, useState } from 'react';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import type { Project } from '../../context.js';
import { formatTime } from '../../format.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { useAction } from '../../ui/form.js';
import { DataTable, Loaded } from '../../ui/loaded.js';
import { AddMember } from './member-add.js';
import { ROLES } from './member-common.js';
import type { Member, Role } from './member-common.js';

function MemberActions({
  project,
  member,
  onChanged,
}: {
  project: Project;
  member: Member;
  onChanged: () => void;
}) {
  const { client } = useConsole();
  const roleId = useId();
  const [role, setRole] = useState<Role>(member.role);
  const [confirming, setConfirming] = useState<'role' | 'remove' | undefined>();
  const change = useAction();
  const path = { project_id: project.id, user_id: member.user_id };

  const changeRole = () =>
    change.run(async () => {
      await client.api.PATCH('/v1/projects/{project_id}/members/{user_id}', {
        // Members have no GET of their own to take an ETag from; the last writer wins.
        params: { path, header: { 'If-Match': '*' } },
        body: { role },
      });
      setConfirming(undefined);
      onChanged();
    });
  const remove = () =>
    change.run(async () => {
      await client.api.DELETE('/v1/projects/{project_id}/members/{user_id}', { params: { path } });
      setConfirming(undefined);
      onChanged();
    });

  return (
    <div className="member-actions">
      {confirming === 'role' ? (
        <div className="actions">
          <span>
            Make {member.email} {role} instead of {member.role}?
          </span>
          <button
            type="button"
            className="primary"
            autoFocus
            disabled={change.busy}
            onClick={() => void changeRole()}
          >
            Confirm role change
          </button>
          <button
            type="button"
            onClick={() => {
              setConfirming(undefined);
              setRole(member.role);
            }}
          >
            Cancel
          </button>
        </div>
      ) : confirming === 'remove' ? (
        <div className="actions">
          <span>
            Remove {member.email} from {project.name}? They lose access at once.
          </span>
          <button
            type="button"
            className="danger"
            autoFocus
            disabled={change.busy}
            onClick={() => void remove()}
          >
            Confirm removal
          </button>
          <button type="button" onClick={() => setConfirming(undefined)}>
            Cancel
          </button>
        </div>
      ) : (
        <div className="actions">
          <label htmlFor={roleId} className="visually-hidden">
            New role of {member.email}
          </label>
          <select id={roleId} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r.role} value={r.role}>
                {r.role}
              </option>
            ))}
          </select>
          <button type="button" disabled={role === member.role} onClick={() => setConfirming('role')}>
            Change role<span className="visually-hidden"> of {member.email}</span>
          </button>
          <button type="button" className="danger" onClick={() => setConfirming('remove')}>
            Remove<span className="visually-hidden"> {member.email}</span>
          </button>
        </div>
      )}
      <ErrorMessage error={change.error} what={`Could not change ${member.email}`} />
    </div>
  );
}

export function MembersSection({ project, canManage }: { project: Project; canManage: boolean }) {
  const { client, user } = useConsole();
  const members = useAsync(
    (signal) =>
      collectAll((cursor) =>
        client.api.GET('/v1/projects/{project_id}/members', {
          params: {
            path: { project_id: project.id },
            query: cursor === undefined ? { limit: 100 } : { limit: 100, cursor },
          },
          signal,
        }),
      ),
    [client, project.id],
  );
  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      {!canManage && (
        <p className="muted" data-testid="members-read-only">
          You are {project.role ?? 'not a member'} here: only the project&apos;s owners add, change and remove
          members.
        </p>
      )}
      <Loaded state={members} what="members" failed="Could not load the members">
        {(list) => (
          <DataTable
            caption={<>Members of {project.name}</>}
            columns={canManage ? ['Member', 'Role', 'Since', 'Change'] : ['Member', 'Role', 'Since']}
          >
            {list.map((m) => (
              <tr key={m.user_id} data-member={m.email}>
                <th scope="row">
                  {m.email}
                  {m.user_id === user?.id && <span className="muted"> (you)</span>}
                </th>
                <td data-testid="member-role">{m.role}</td>
                <td>{formatTime(m.created_at)}</td>
                {canManage && (
                  <td>
                    <MemberActions
                      key={`${m.role}-${m.updated_at}`}
                      project={project}
                      member={m}
                      onChanged={members.reload}
                    />
                  </td>
                )}
              </tr>
            ))}
          </DataTable>
        )}
      </Loaded>
      {canManage && <AddMember project={project} onAdded={members.reload} />}
    </section>
  );
}

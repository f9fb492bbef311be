/**
 * Launching a version: the generated form (kept as a draft across an expired session, secrets
 * excepted: they live in this component's state only), the consent step, then
 * `POST /v1/apps/instances` with the parameters, the secrets in `secrets` (as the CLI's
 * `--secret` sends them) and the accepted permissions. The platform's field problems come back
 * to the form at the fields they name; a launch goes on to the instance's page.
 */
import { isApiError } from '@gpuaas/sdk/browser';
import { useMemo, useState } from 'react';
import { dataOf } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import { shortId } from '../../format.js';
import { navigate } from '../../router.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { useDraft } from '../../ui/use-draft.js';
import type { CatalogApp, CatalogVersion } from './app-facts.js';
import { ConsentStep } from './consent.js';
import { checkOthers, LaunchForm, OTHER_FIELDS } from './launch-form.js';
import type { LaunchDraft } from './launch-form.js';
import { fieldId } from './parameter-field.js';
import { checkField, collectInputs, draftable, fieldsOf, initialValues } from './parameter-form.js';
import type { FieldValue, FormField, LaunchInputs } from './parameter-form.js';
import { placeProblems } from './parameter-problems.js';

/** The draft's id: one per app version (the form differs between versions). */
export function launchDraftId(app: string, version: string): string {
  return `app-launch:${app}@${version}`;
}

const OTHER_POINTERS: Record<string, string> = {
  '/allocation_id': OTHER_FIELDS.allocation,
  '/ttl': OTHER_FIELDS.ttl,
  '/channel': OTHER_FIELDS.channel,
};

function focusFirst(fields: readonly FormField[], errors: Record<string, string>): void {
  const first = Object.keys(errors)[0];
  if (first === undefined) return;
  const id = fields.some((f) => f.name === first) ? fieldId(first) : first;
  // After React has shown the messages.
  requestAnimationFrame(() => document.getElementById(id)?.focus());
}

export function LaunchPanel({
  app,
  version,
  entitled,
}: {
  app: CatalogApp;
  version: CatalogVersion;
  entitled: boolean;
}) {
  const { client, project } = useConsole();
  const projectId = project?.id ?? '';
  const fields = useMemo(() => fieldsOf(version.parameters), [version]);
  const fresh = (): LaunchDraft => ({
    values: draftable(fields, initialValues(fields)),
    target: 'new',
    allocationId: '',
    ttl: '',
    channel: 'stable',
    upgrades: 'manual',
  });
  const [draft, setDraft, restored] = useDraft<LaunchDraft>(launchDraftId(app.name, version.version), fresh);
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [step, setStep] = useState<'form' | 'consent'>('form');
  const [inputs, setInputs] = useState<LaunchInputs>();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const allocations = useAsync(
    async (signal) =>
      dataOf(
        await client.api.GET('/v1/allocations', {
          params: { query: { project_id: projectId, state: 'running', limit: 100 } },
          signal,
        }),
      ).items,
    [client, projectId],
  );
  const values = { ...initialValues(fields), ...draft.values, ...secrets };

  const setValue = (field: FormField, value: FieldValue) => {
    if (field.secret) setSecrets({ ...secrets, [field.name]: typeof value === 'string' ? value : '' });
    else setDraft({ ...draft, values: { ...draft.values, [field.name]: value } });
    // Once a field was wrong, its message follows the typing (and goes when it is right).
    if (errors[field.name] !== undefined) setErrors(withError(errors, field.name, checkField(field, value)));
  };
  const leave = (field: FormField) =>
    setErrors(withError(errors, field.name, checkField(field, values[field.name])));

  const review = () => {
    const collected = collectInputs(fields, values);
    const all = { ...collected.errors, ...checkOthers(draft) };
    setErrors(all);
    setFailure(undefined);
    if (Object.keys(all).length > 0) {
      focusFirst(fields, all);
      return;
    }
    setInputs(collected);
    setStep('consent');
  };

  const launch = async (accepted: LaunchInputs) => {
    setBusy(true);
    setFailure(undefined);
    try {
      const instance = dataOf(
        await client.api.POST('/v1/apps/instances', {
          body: {
            project_id: projectId,
            app: app.name,
            version: version.version,
            accepted_permissions: version.permissions,
            parameters: accepted.parameters,
            ...(Object.keys(accepted.secrets).length === 0 ? {} : { secrets: accepted.secrets }),
            ...(draft.target === 'existing'
              ? { allocation_id: draft.allocationId }
              : draft.ttl === ''
                ? {}
                : { ttl: draft.ttl }),
            channel: draft.channel,
            upgrades: draft.upgrades,
          },
        }),
      );
      setDraft(fresh());
      setSecrets({});
      navigate(`/instances/${encodeURIComponent(instance.id)}`);
    } catch (error) {
      setFailure(error);
      const placed = isApiError(error) ? placeProblems(fields, error.errors) : { fields: {}, others: [] };
      const others = Object.fromEntries(
        placed.others.flatMap((p) => {
          const id = OTHER_POINTERS[p.pointer];
          return id === undefined ? [] : [[id, p.detail]];
        }),
      );
      const back = { ...placed.fields, ...others };
      if (Object.keys(back).length > 0) {
        // The platform named fields of the form: back to it, the messages at those fields.
        setErrors(back);
        setStep('form');
        focusFirst(fields, back);
      }
    } finally {
      setBusy(false);
    }
  };

  const where =
    draft.target === 'existing'
      ? `The running allocation ${allocations.data?.find((a) => a.id === draft.allocationId)?.name ?? shortId(draft.allocationId)}.`
      : `A new allocation created for it from its GPU profile${draft.ttl === '' ? '' : `, released after ${draft.ttl}`}; the app starts once it runs.`;

  if (step === 'consent' && inputs !== undefined) {
    return (
      <ConsentStep
        app={app}
        version={version}
        fields={fields}
        inputs={inputs}
        where={where}
        busy={busy}
        error={failure}
        onBack={() => setStep('form')}
        onConfirm={() => void launch(inputs)}
      />
    );
  }
  return (
    <section className="card launch" aria-labelledby="launch-heading">
      <h2 id="launch-heading">Launch {version.version}</h2>
      {restored && (
        <p role="status" className="notice">
          Your unsaved values were restored after signing in again (secrets are never kept: enter them again).
        </p>
      )}
      {!entitled ? (
        <p className="notice">
          This project has no grant for {app.name}: ask its publisher, {app.publisher.name}, for one.
        </p>
      ) : (
        <>
          <ErrorMessage error={failure} what="The platform refused the launch" />
          <LaunchForm
            fields={fields}
            values={values}
            errors={errors}
            draft={draft}
            allocations={allocations.data}
            onValue={setValue}
            onBlur={leave}
            onDraft={(next) => setDraft({ ...draft, ...next })}
            onSubmit={review}
          />
        </>
      )}
    </section>
  );
}

function withError(
  errors: Record<string, string>,
  name: string,
  message: string | undefined,
): Record<string, string> {
  const { [name]: _, ...rest } = errors;
  return message === undefined ? rest : { ...rest, [name]: message };
}

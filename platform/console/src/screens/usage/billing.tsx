/**
 * `/billing`: the project's monthly statements (view, download as CSV or JSON), its earnings when
 * it publishes apps, and its budget.
 * Usage over time and the balance are on `/usage`.
 */
import { useState } from 'react';
import { useConsole } from '../../context.js';
import { Link } from '../../router.js';
import { ScreenTitle } from '../../ui/layout.js';
import { NeedsProject } from '../projects.js';
import { BudgetPanel } from './budget-panel.js';
import { EarningsPanel } from './earnings-panel.js';
import { periodOf } from './periods.js';
import { StatementPanel } from './statement-panel.js';
import './usage.css';

export function BillingScreen(_props: { id?: string | undefined; app?: string | undefined }) {
  const { project } = useConsole();
  const [period, setPeriod] = useState(() => periodOf(Date.now()));
  return (
    <>
      <ScreenTitle title="Billing">Billing</ScreenTitle>
      {project === undefined ? (
        <NeedsProject />
      ) : (
        <>
          <p>
            Statements and the monthly budget of {project.name}.{' '}
            <Link to="/usage">Usage and cost over time</Link>
          </p>
          <StatementPanel
            key={`statement:${project.id}`}
            project={project}
            period={period}
            onPeriod={setPeriod}
          />
          <EarningsPanel key={`earnings:${project.id}`} project={project} period={period} />
          <BudgetPanel key={`budget:${project.id}`} project={project} />
        </>
      )}
    </>
  );
}

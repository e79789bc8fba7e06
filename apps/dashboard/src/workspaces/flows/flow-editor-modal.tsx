import type {
  DataFlowInvocationAuthMode,
  DataFlowRecord,
  StepRecord,
  StepTransition,
  TriggerRecord,
} from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { FormModal, isJsonText, JsonField, SelectField, TextField, Toggle } from '../../ui/index.ts';
import { AuthModeCards } from './auth-mode-cards.tsx';
import { CurlGuidanceCard } from './curl-guidance-card.tsx';
import { FlowGraph } from './flow-graph.tsx';
import { EDGE_COLORS_LEGEND } from './legend.ts';
import { addStep, EDGE_KINDS, type EdgeKind, type Transitions } from './transitions.ts';

/** Props of {@link FlowEditorModal}. */
export interface FlowEditorModalProps {
  /** The flow edited, or null for a new one. */
  readonly flow: DataFlowRecord | null;
  /** The tenant's steps: their executionKeys are what transitions name. */
  readonly steps: readonly StepRecord[];
  /** Triggers that start this flow, for the curl guidance. */
  readonly triggers: readonly TriggerRecord[];
  readonly onClose: () => void;
  /** Called with the flow as saved (its `warnings` included). */
  readonly onSaved: (flow: DataFlowRecord) => void;
}

const formOf = (flow: DataFlowRecord | null) => ({
  name: flow?.name ?? '',
  description: flow?.description ?? '',
  startStepId: flow?.startStepId ?? '',
  maxRuntimeMs: String(flow?.maxRuntimeMs ?? 0),
  routingHintLabel: flow?.routingHintLabel ?? '',
  invocationAuthMode: (flow?.invocationAuthMode ?? 'Public') as DataFlowInvocationAuthMode,
  active: flow?.active ?? true,
});

/** Create or edit a flow: fields, auth mode, transitions as a graph or as JSON, curl guidance. */
export function FlowEditorModal({ flow, steps, triggers, onClose, onSaved }: FlowEditorModalProps) {
  const { t } = useTranslation('flows');
  const tu = useTranslation('ui').t;
  const { client, tenantId, serverUrl } = useTempoApi();
  const [form, setForm] = useState(() => formOf(flow));
  const [transitions, setTransitions] = useState<Transitions>(() => flow?.transitions ?? {});
  const [jsonMode, setJsonMode] = useState(false);
  const [jsonText, setJsonText] = useState('');
  const [newEdgeKind, setNewEdgeKind] = useState<EdgeKind>('onSuccess');
  const [stepToAdd, setStepToAdd] = useState('');
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) =>
    setForm((current) => ({ ...current, [key]: value }));

  const stepKeys = steps.map((step) => step.executionKey);
  const switchMode = (toJson: boolean) => {
    if (toJson) setJsonText(JSON.stringify(transitions, null, 2));
    else if (isJsonText(jsonText) && jsonText.trim() !== '')
      setTransitions(JSON.parse(jsonText) as Record<string, StepTransition>);
    setJsonMode(toJson);
  };
  const currentTransitions = (): Transitions =>
    jsonMode
      ? ((jsonText.trim() === '' ? {} : JSON.parse(jsonText)) as Record<string, StepTransition>)
      : transitions;
  const addChosenStep = () => {
    if (stepToAdd === '') return;
    setTransitions((current) => addStep(current, stepToAdd));
    if (form.startStepId === '') set('startStepId', stepToAdd);
  };

  const chooseStart = (key: string) => {
    set('startStepId', key);
    // The start step belongs in the graph at once, so arrows can be drawn from it.
    if (key !== '' && !jsonMode) setTransitions((current) => addStep(current, key));
  };
  const submit = async () => {
    const startStepId = form.startStepId;
    // A flow of one step needs no drawing: the start step is its only key.
    const graph = addStep(currentTransitions(), startStepId);
    const body = {
      name: form.name,
      description: form.description === '' ? null : form.description,
      startStepId,
      maxRuntimeMs: Number(form.maxRuntimeMs) || 0,
      routingHintLabel: form.routingHintLabel === '' ? null : form.routingHintLabel,
      invocationAuthMode: form.invocationAuthMode,
      active: form.active,
      transitions: graph as Record<string, StepTransition>,
    };
    const flows = client.tenant(tenantId).flows;
    onSaved(flow ? await flows.update(flow.id, body) : await flows.create(body));
  };

  const startOptions = [...new Set([...stepKeys, ...Object.keys(transitions), form.startStepId])]
    .filter((key) => key !== '')
    .map((key) => ({ value: key, label: key }));
  return (
    <FormModal
      open
      size="wide"
      title={flow ? t('editor.editTitle') : t('editor.createTitle')}
      onClose={onClose}
      onSubmit={submit}
      invalid={form.name.trim() === '' || form.startStepId === '' || (jsonMode && !isJsonText(jsonText))}
    >
      <div className="ui-form-row">
        <TextField
          label={tu('fields.name')}
          value={form.name}
          onChange={(value) => set('name', value)}
          required
        />
        <SelectField
          label={t('fields.startStep')}
          hint={t('fields.startStepHint')}
          value={form.startStepId}
          onChange={chooseStart}
          options={[{ value: '', label: t('fields.chooseStep') }, ...startOptions]}
          required
        />
      </div>
      <TextField
        label={tu('fields.description')}
        value={form.description}
        onChange={(value) => set('description', value)}
      />
      <div className="ui-form-row">
        <TextField
          label={t('fields.maxRuntimeMs')}
          hint={t('fields.maxRuntimeMsHint')}
          type="number"
          value={form.maxRuntimeMs}
          onChange={(value) => set('maxRuntimeMs', value)}
        />
        <TextField
          label={t('fields.routingHintLabel')}
          hint={t('fields.routingHintLabelHint')}
          value={form.routingHintLabel}
          onChange={(value) => set('routingHintLabel', value)}
        />
      </div>
      <Toggle label={tu('fields.active')} checked={form.active} onChange={(value) => set('active', value)} />
      <AuthModeCards value={form.invocationAuthMode} onChange={(value) => set('invocationAuthMode', value)} />
      <p className="ui-callout">{t('editor.runPolicy')}</p>

      <section className="ui-card" aria-label={t('editor.transitions')}>
        <h3>{t('editor.transitions')}</h3>
        <Toggle
          label={t('editor.jsonMode')}
          hint={t('editor.jsonModeHint')}
          checked={jsonMode}
          onChange={switchMode}
        />
        {jsonMode ? (
          <JsonField label={t('editor.transitionsJson')} value={jsonText} onChange={setJsonText} rows={14} />
        ) : (
          <>
            <div className="ui-form-row">
              <SelectField
                label={t('editor.addStep')}
                value={stepToAdd}
                onChange={setStepToAdd}
                options={[
                  { value: '', label: t('fields.chooseStep') },
                  ...stepKeys.map((key) => ({ value: key, label: key })),
                ]}
              />
              <SelectField
                label={t('editor.newEdgeKind')}
                hint={t('editor.newEdgeKindHint')}
                value={newEdgeKind}
                onChange={(value) => setNewEdgeKind(value as EdgeKind)}
                options={EDGE_KINDS.map((kind) => ({ value: kind, label: t(`graph.edge.${kind}`) }))}
              />
            </div>
            <button
              type="button"
              className="ui-button"
              title={t('editor.addStep')}
              onClick={addChosenStep}
              disabled={stepToAdd === ''}
            >
              {t('editor.addStepButton')}
            </button>
            <ul className="flow-legend">
              {EDGE_COLORS_LEGEND.map(({ kind, color }) => (
                <li key={kind}>
                  <span className="flow-legend-swatch" style={{ background: color }} />
                  {t(`graph.edge.${kind}`)}
                </li>
              ))}
            </ul>
            <p className="ui-field-hint">{t('graph.hint')}</p>
            <FlowGraph
              transitions={transitions}
              startKey={form.startStepId}
              newEdgeKind={newEdgeKind}
              onChange={setTransitions}
            />
          </>
        )}
      </section>
      <CurlGuidanceCard serverUrl={serverUrl} authMode={form.invocationAuthMode} triggers={triggers} />
    </FormModal>
  );
}

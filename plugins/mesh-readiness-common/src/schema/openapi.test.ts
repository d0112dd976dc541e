import { domainSchemasAsOpenApi } from './openapi';

describe('domainSchemasAsOpenApi', () => {
  const components = domainSchemasAsOpenApi() as Record<string, any>;

  it('publishes every domain component under its id, linked by $ref', () => {
    expect(Object.keys(components)).toEqual(
      expect.arrayContaining([
        'EvidenceSource',
        'Program',
        'ProgramCheck',
        'Attestation',
        'Waiver',
        'Scorecard',
        'CiFacts',
        'CatalogFacts',
      ]),
    );
    expect(components.Program.properties.spec.properties.checks).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/ProgramCheck' },
    });
    expect(components.ProgramCheck.properties.severity).toEqual({
      $ref: '#/components/schemas/Severity',
    });
    expect(components.CheckStatus).toEqual({
      type: 'string',
      enum: [
        'pass',
        'fail',
        'warn',
        'unknown',
        'waived',
        'not-applicable',
        'not-evaluated',
      ],
    });
    expect(JSON.stringify(components)).not.toContain('"$id"');
  });

  it('states the shapes as the domain types do: required, optional, strict or open', () => {
    // Lists that parsing fills with [] are always present in the API.
    expect(components.Program.properties.spec.required).toEqual([
      'mesh',
      'appliesTo',
      'phases',
      'checks',
      'checklist',
      'playbooks',
      'templates',
      'waves',
    ]);
    expect(
      JSON.stringify(components.Program.properties.spec.properties.checklist),
    ).not.toContain('default');
    // Optional fields are absent, never null.
    expect(components.Scorecard.required).not.toContain('nextPhase');
    expect(JSON.stringify(components)).not.toContain('nullable');
    // Program documents, records and the CI export refuse unknown fields;
    // the engine's outputs stay open.
    expect(components.Program.additionalProperties).toBe(false);
    expect(components.Waiver.additionalProperties).toBe(false);
    expect(components.CiFacts.additionalProperties).toBe(false);
    expect(components.Scorecard).not.toHaveProperty('additionalProperties');
    expect(components.ProgramCheck.properties.params).toEqual({
      type: 'object',
      additionalProperties: true,
    });
  });

  it('keeps integers plain and timestamps as a format', () => {
    expect(components.SourceProblem.properties.line).toEqual({
      type: 'integer',
    });
    expect(components.CiFacts.properties.exportedAt).toEqual({
      type: 'string',
      format: 'date-time',
    });
    expect(components.NextStep.properties.status).toEqual({
      anyOf: [
        { $ref: '#/components/schemas/CheckStatus' },
        { $ref: '#/components/schemas/ChecklistStatus' },
      ],
    });
  });
});

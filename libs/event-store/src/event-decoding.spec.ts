import { createEventDecoder, decodeEvent } from './event-decoding';

describe('the event decoding seam', () => {
  // A released shape that lacked `description`: the upcaster fills what the old writer left out.
  const decoder = createEventDecoder(new Map([
    ['ProjectCreated', (data: unknown, version: number) => (version < 2 ? { description: '', ...(data as object) } : data)],
  ]));

  it('upcasts data recorded by an older schema version and leaves current data as it is', () => {
    expect(decoder.decode({ type: 'ProjectCreated', data: { name: 'shop' }, metadata: { schema_version: 1 } }))
      .toEqual({ type: 'ProjectCreated', data: { name: 'shop', description: '' } });
    expect(decoder.decode({ type: 'ProjectCreated', data: { name: 'shop' }, metadata: { schema_version: 2 } }))
      .toEqual({ type: 'ProjectCreated', data: { name: 'shop' } });
    expect(decoder.decode({ type: 'ProjectUpdated', data: { name: 'shop' } })).toEqual({ type: 'ProjectUpdated', data: { name: 'shop' } });
  });

  it('answers null for a type the reader does not handle (a type guard for readers of several kinds)', () => {
    const types = new Set(['ProjectCreated'] as const);
    expect(decoder.decodeOneOf({ type: 'ProjectCreated', data: {} }, types)).toEqual({ type: 'ProjectCreated', data: { description: '' } });
    expect(decoder.decodeOneOf({ type: 'NamespaceCreated', data: {} }, types)).toBeNull();
  });

  it('reads a recorded event without an upcaster back exactly as it was written', () => {
    const recorded = { type: 'OrganizationCreated', data: { organization_id: 'org_1', name: 'acme' }, metadata: { schema_version: 1 } };
    expect(decodeEvent(recorded)).toEqual({ type: recorded.type, data: recorded.data });
  });
});

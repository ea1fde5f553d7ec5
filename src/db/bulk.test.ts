import { describe, expect, it } from 'vitest';
import { bulkUpdateSql } from './bulk.js';

const spec = {
  table: 'Invitee',
  columns: { status: 'text', partySize: 'int', attendees: 'json', late: 'bool', respondedAt: 'timestamp' } as const,
  rows: [
    { key: 'a', values: { status: 'accepted', partySize: 2, attendees: ['Jan Jansen'], late: false, respondedAt: new Date('2026-11-23T09:00:00Z') } },
    { key: 'b', values: { status: 'declined', partySize: 0, attendees: [], late: true, respondedAt: new Date('invalid') } },
  ],
  where: { claimedBy: 'host:1' },
};

describe('bulkUpdateSql', () => {
  it('binds each row key once and reuses it in every column (SQLite ?NNN)', () => {
    const { sql, params } = bulkUpdateSql('sqlite', spec);
    expect(sql).toBe(
      'UPDATE "Invitee" SET "status" = CASE "id" WHEN ?1 THEN ?3 WHEN ?2 THEN ?4 END, "partySize" = CASE "id" WHEN ?1 THEN ?5 WHEN ?2 THEN ?6 END, ' +
        '"attendees" = CASE "id" WHEN ?1 THEN ?7 WHEN ?2 THEN ?8 END, "late" = CASE "id" WHEN ?1 THEN ?9 WHEN ?2 THEN ?10 END, ' +
        '"respondedAt" = CASE "id" WHEN ?1 THEN ?11 WHEN ?2 THEN ?12 END WHERE "id" IN (?1, ?2) AND "claimedBy" = ?13',
    );
    // Stored as Prisma stores them on SQLite: JSON text, 0/1, ISO-8601 with +00:00; an unreadable date as NULL.
    expect(params).toEqual(['a', 'b', 'accepted', 'declined', 2, 0, '["Jan Jansen"]', '[]', 0, 1, '2026-11-23T09:00:00.000+00:00', null, 'host:1']);
  });

  it('casts every parameter to its column type on PostgreSQL', () => {
    const { sql, params } = bulkUpdateSql('postgresql', spec);
    expect(sql).toContain('"status" = CASE "id" WHEN $1::text THEN $3::text WHEN $2::text THEN $4::text END');
    expect(sql).toContain('"attendees" = CASE "id" WHEN $1::text THEN $7::jsonb');
    expect(sql).toContain('"late" = CASE "id" WHEN $1::text THEN $9::boolean');
    expect(sql).toContain('"respondedAt" = CASE "id" WHEN $1::text THEN $11::timestamp(3)');
    expect(sql).toMatch(/WHERE "id" IN \(\$1::text, \$2::text\) AND "claimedBy" = \$13::text$/);
    expect(params.slice(8, 12)).toEqual([false, true, '2026-11-23T09:00:00.000Z', null]);
  });
});

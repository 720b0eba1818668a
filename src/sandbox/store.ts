/**
 * The sandbox's data: members, advertisers, segments, pixels, line items and profiles, plus the id sequences
 * and the reverse index "pixel -> line items using it" (a pixel's read-only `line_items`, and the delete check).
 */
import { Collection } from './collection.js';
import { ChangeLog } from './change-log.js';
import { changedFields } from './field-changes.js';
import { formatTimestamp, has, toInteger } from './fields.js';
import {
  canonicalPixels,
  canonicalSegmentGroups,
  canonicalSegmentTargets,
  newAdvertiser,
  newLineItem,
  newPixel,
  newProfile,
  newSegment,
} from './records.js';
import type {
  AdvertiserRecord,
  JsonObject,
  LineItemRecord,
  MemberRecord,
  PixelRecord,
  ProfileRecord,
  SandboxObjects,
  SandboxState,
  SegmentRecord,
  UpsertResult,
} from './types.js';

/** Where ids start: pixels at 12345 so that the seed article's line-item PUT (pixel 12345) works verbatim. */
/** One object an upsert created or changed: before (null when new) and after. */
export interface UpsertChange {
  service: 'segment' | 'pixel' | 'line-item' | 'profile';
  before: JsonObject | null;
  after: JsonObject;
}

export const FIRST_IDS = { segment: 1_000_001, pixel: 12_345, lineItem: 9_001, profile: 8_001 } as const;

export class Store {
  readonly members = new Map<number, MemberRecord>();
  readonly advertisers = new Collection<AdvertiserRecord>((a) => a.member_id);
  readonly segments = new Collection<SegmentRecord>((s) => s.member_id);
  readonly pixels = new Collection<PixelRecord>((p) => p.advertiser_id);
  readonly lineItems = new Collection<LineItemRecord>((l) => l.advertiser_id);
  readonly profiles = new Collection<ProfileRecord>((p) => p.advertiser_id);
  readonly changeLog = new ChangeLog();
  private readonly pixelUsers = new Map<number, Set<number>>();
  private sequences: SandboxState['sequences'] = { ...FIRST_IDS };

  /** Changes whenever any collection changes (each one's version only grows, so their sum does too). */
  get version(): number {
    return this.advertisers.version + this.segments.version + this.pixels.version + this.lineItems.version + this.profiles.version;
  }

  nextId(kind: keyof typeof FIRST_IDS): number {
    return this.sequences[kind]++;
  }

  /** Ids of the line items whose `pixels` contain this pixel, ascending. */
  lineItemsUsing(pixelId: number): number[] {
    return [...(this.pixelUsers.get(pixelId) ?? [])].sort((a, b) => a - b);
  }

  putLineItem(record: LineItemRecord): void {
    this.unlinkPixels(record.id);
    this.lineItems.set(record);
    for (const pixel of record.pixels ?? []) {
      let users = this.pixelUsers.get(pixel.id);
      if (!users) this.pixelUsers.set(pixel.id, (users = new Set()));
      users.add(record.id);
    }
  }

  deleteLineItem(id: number): boolean {
    this.unlinkPixels(id);
    return this.lineItems.delete(id);
  }

  private unlinkPixels(lineItemId: number): void {
    const previous = this.lineItems.get(lineItemId);
    for (const pixel of previous?.pixels ?? []) this.pixelUsers.get(pixel.id)?.delete(lineItemId);
  }

  /** The member used for raw objects that name none: the first one. */
  defaultMemberId(): number {
    for (const id of this.members.keys()) return id;
    return 0;
  }

  clear(): void {
    this.members.clear();
    this.advertisers.clear();
    this.segments.clear();
    this.pixels.clear();
    this.lineItems.clear();
    this.profiles.clear();
    this.changeLog.clear();
    this.pixelUsers.clear();
    this.sequences = { ...FIRST_IDS };
  }

  /** A deep copy of the whole state. */
  snapshot(): SandboxState {
    return structuredClone(this.view());
  }

  /** The state as JSON text, without the cost of a copy (the state file is written after every write). */
  serialize(): string {
    return JSON.stringify(this.view());
  }

  private view(): SandboxState {
    return {
      format: 'xandr-sync-sandbox',
      version: 2,
      sequences: { ...this.sequences },
      members: [...this.members.values()],
      advertisers: [...this.advertisers.values()],
      segments: [...this.segments.values()],
      pixels: [...this.pixels.values()],
      lineItems: [...this.lineItems.values()],
      profiles: [...this.profiles.values()],
      changeLog: [...this.changeLog.all()],
    };
  }

  /** Replaces everything with `state` (already checked and upgraded by persistence.ts). */
  load(state: SandboxState): void {
    this.clear();
    const copy = structuredClone(state);
    for (const member of copy.members) this.members.set(member.id, member);
    for (const advertiser of copy.advertisers) this.advertisers.set(advertiser);
    for (const segment of copy.segments) this.segments.set(segment);
    for (const pixel of copy.pixels) this.pixels.set(pixel);
    for (const lineItem of copy.lineItems) this.putLineItem({ ...lineItem, pixels: canonicalPixels(lineItem.pixels) });
    for (const profile of copy.profiles) this.profiles.set(profile);
    this.changeLog.load(copy.changeLog);
    this.sequences = { ...FIRST_IDS, ...copy.sequences };
    this.bumpSequences();
  }

  /**
   * Raw objects by id, without validation: an existing object gets the given fields merged over it, a new
   * one starts from the defaults a POST would give. For tests' out-of-band ("console") changes and bulk
   * seeding. An object that the upsert changes gets `last_modified` = now, unless the raw object sets it;
   * one that it leaves as it was is not touched. Returns the changes, for the change log.
   */
  upsert(objects: SandboxObjects, now: number): { result: UpsertResult; changes: UpsertChange[] } {
    const result: UpsertResult = { advertisers: 0, segments: 0, pixels: 0, lineItems: 0, profiles: 0 };
    const changes: UpsertChange[] = [];
    const merge = <T extends JsonObject & { id: number }>(base: T, existing: T | undefined, raw: JsonObject, fix: (merged: T) => void): T | null => {
      const merged = { ...base, ...raw, id: base.id } as T;
      fix(merged);
      const fields = changedFields(existing ?? null, merged);
      if (existing && fields.length === 0) return null;
      if (!has(raw, 'last_modified')) (merged as JsonObject).last_modified = formatTimestamp(now);
      return merged;
    };
    /** One kind's raw objects: merged over the stored ones (or a POST's defaults), stored, counted, logged. */
    const each = <T extends JsonObject & { id: number }>(
      key: keyof UpsertResult,
      collection: { get(id: number): T | undefined },
      fresh: (id: number, raw: JsonObject) => T,
      fix: (merged: T, raw: JsonObject, base: T) => void,
      store: (merged: T) => void,
      service: UpsertChange['service'] | null,
    ) => {
      for (const raw of (objects[key] ?? []) as JsonObject[]) {
        const id = rawId(raw, key);
        const existing = collection.get(id);
        const base = existing ?? fresh(id, raw);
        const merged = merge(base, existing, raw, (m) => fix(m, raw, base));
        if (merged) {
          store(merged);
          if (service) changes.push({ service, before: existing ?? null, after: merged } as UpsertChange);
        }
        result[key]++;
      }
    };
    const owner = (raw: JsonObject, advertiserId: unknown, base: { member_id: unknown }) => toInteger(raw.member_id) ?? this.memberOfAdvertiser(Number(advertiserId)) ?? (base.member_id as number);
    each('advertisers', this.advertisers, (id, raw) => newAdvertiser(id, toInteger(raw.member_id) ?? this.defaultMemberId(), now), () => undefined, (m) => this.advertisers.set(m), null);
    each('segments', this.segments, (id, raw) => newSegment(id, toInteger(raw.member_id) ?? this.defaultMemberId(), now), () => undefined, (m) => this.segments.set(m), 'segment');
    each('pixels', this.pixels, (id, raw) => newPixel(id, toInteger(raw.advertiser_id) ?? 0, 0, now), (p, raw, base) => {
      p.member_id = owner(raw, p.advertiser_id, base);
    }, (m) => this.pixels.set(m), 'pixel');
    each('lineItems', this.lineItems, (id, raw) => newLineItem(id, toInteger(raw.advertiser_id) ?? 0, 0, now), (li, raw, base) => {
      li.member_id = owner(raw, li.advertiser_id, base);
      li.pixels = canonicalPixels(li.pixels);
    }, (m) => this.putLineItem(m), 'line-item');
    each('profiles', this.profiles, (id, raw) => newProfile(id, toInteger(raw.advertiser_id) ?? 0, 0, now), (p, raw, base) => {
      p.member_id = owner(raw, p.advertiser_id, base);
      p.segment_targets = canonicalSegmentTargets(p.segment_targets);
      p.segment_group_targets = canonicalSegmentGroups(p.segment_group_targets);
      p.is_archived = p.is_archived === true;
    }, (m) => this.profiles.set(m), 'profile');
    this.bumpSequences();
    return { result, changes };
  }

  private memberOfAdvertiser(advertiserId: unknown): number | undefined {
    const id = toInteger(advertiserId);
    return id === undefined ? undefined : (this.advertisers.get(id)?.member_id ?? this.defaultMemberId());
  }

  /** A sequence never hands out an id that is already taken. */
  private bumpSequences(): void {
    this.sequences.segment = Math.max(this.sequences.segment, this.segments.maxId() + 1);
    this.sequences.pixel = Math.max(this.sequences.pixel, this.pixels.maxId() + 1);
    this.sequences.lineItem = Math.max(this.sequences.lineItem, this.lineItems.maxId() + 1);
    this.sequences.profile = Math.max(this.sequences.profile, this.profiles.maxId() + 1);
  }
}

function rawId(raw: JsonObject, list: string): number {
  const id = typeof raw === 'object' && raw !== null ? toInteger(raw.id) : undefined;
  if (id === undefined || id <= 0) throw new TypeError(`every object in '${list}' needs a positive integer 'id'`);
  return id;
}

// icaljs_dump.mjs FILE.ics — parse with Mozilla ical.js (Thunderbird's parser) and print JSON:
// {"version", "calendar": {name, description}, "events": [{uid, summary, description, location,
//  categories, url, start, end, isDate, dtstamp}]}. Exit 1 with a message on a parse error.
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: node icaljs_dump.mjs FILE.ics');
  process.exit(2);
}
try {
  const comp = new ICAL.Component(ICAL.parse(readFileSync(file, 'utf8')));
  const text = (c, name) => c.getFirstPropertyValue(name);
  const events = comp.getAllSubcomponents('vevent').map((v) => {
    const ev = new ICAL.Event(v);
    return {
      uid: ev.uid,
      summary: ev.summary,
      description: ev.description,
      location: ev.location,
      categories: v.getAllProperties('categories').flatMap((p) => p.getValues()),
      url: text(v, 'url'),
      start: ev.startDate ? ev.startDate.toString() : null,
      end: ev.endDate ? ev.endDate.toString() : null,
      isDate: ev.startDate ? ev.startDate.isDate : null,
      startZone: ev.startDate ? ev.startDate.zone.tzid : null,
      dtstamp: String(text(v, 'dtstamp')),
    };
  });
  console.log(JSON.stringify({
    version: JSON.parse(readFileSync(new URL('./node_modules/ical.js/package.json', import.meta.url))).version,
    calendar: { name: text(comp, 'name'), xname: text(comp, 'x-wr-calname'), description: text(comp, 'description') },
    events,
  }));
} catch (e) {
  console.error(`ical.js: ${e && e.message ? e.message : e}`);
  process.exit(1);
}

/* gardener's search worker. Material's page script talks to it exactly as to Material's own
 * worker (messages SETUP 0 -> READY 1, QUERY 2 -> RESULT 3, results in the shape Material's
 * result list renders), so the search box, its results and its keys are Material's. What
 * differs is where answers come from: search/search_index.json holds only a table of shards
 * (written by gardener.site.search_shards), and a query fetches the few shards its words fall
 * in and the pages it shows, never the whole index. */
"use strict"

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3
const OPTIONAL = 0, REQUIRED = 1, PROHIBITED = 2
const HAN = /\p{sc=Han}+/u
const HAN_RUNS = /(\p{sc=Han}+)/u
// Longest Chinese word looked up when cutting a query (aliases longer than this are rare).
const LONGEST_WORD = 12
// Material's teaser shows at most two blocks of a section with matches in them.
const BLOCK_END = /(?<=<\/(?:p|li|pre|h[1-6]|td|th|dd|dt|blockquote|figcaption|table|ul|ol)>)/

// lunr's English stop words, written in by gardener from the worker Material ships.
const STOP_WORDS = /* stop words */[]
// Pages a query shows when the whole index is held here (a built site's manifest says).
const RESULT_PAGES = 30

let search = null

/* Queries are answered one after another, so results arrive in the order they were asked
 * and the list always ends on the reader's last query. */
let queue = Promise.resolve()
addEventListener("message", ev => {
  queue = queue.then(() => handle(ev.data)).then(message => postMessage(message))
})

async function handle(message) {
  switch (message.type) {
    case SETUP:
      search = new ShardedSearch(message.data)
      return { type: READY }
    case QUERY:
      try {
        return { type: RESULT, data: await search.query(message.data) }
      } catch (err) {
        console.warn(`Search failed for ${message.data}`, err)
        return { type: RESULT, data: { items: [] } }
      }
    default:
      throw new TypeError("Invalid message type")
  }
}

class ShardedSearch {
  constructor({ config, docs, options }) {
    this.separator = new RegExp(config.separator, "g")
    this.suggest = !!(options && options.suggest)
    this.base = new URL("../../search/", self.location.href)
    this.shards = new Map()
    this.pages = new Map()
    if (config.gardener) {
      this.manifest = config.gardener
      this.stop = new Set(this.manifest.stopwords)
    } else {
      this.stop = new Set(STOP_WORDS)
      this.indexHere(config, docs || [])
    }
  }

  /* Material's whole index, as `mkdocs serve` writes it: indexed here, into one shard and
   * pages held in memory, scored as gardener.site.search_shards scores a built site's. */
  indexHere(config, docs) {
    const boosts = Object.entries(config.fields || { title: {}, text: {} })
      .map(([name, spec]) => [name, spec && spec.boost !== undefined ? +spec.boost : 1])
    const pages = [], postings = new Map()
    let path = null, count = 0
    for (const doc of docs) {
      const page = String(doc.location).split("#")[0]
      if (!pages.length || page !== path) pages.push([])
      path = page
      const number = pages.length - 1, section = pages[number].length
      pages[number].push([doc.location, doc.title, doc.text, doc.tags || null])
      count++
      const boost = doc.boost ? +doc.boost : 1
      const weights = new Map()
      for (const [name, fieldBoost] of boosts) {
        const values = Array.isArray(doc[name]) ? doc[name] : [doc[name]]
        const counts = new Map()
        for (const value of values)
          if (typeof value === "string")
            for (const word of this.words(value.replace(/<[^>]*>/g, " ")))
              if (!this.stop.has(word)) counts.set(word, (counts.get(word) || 0) + 1)
        for (const [word, tf] of counts) {
          weights.set(word, (weights.get(word) || 0) + fieldBoost * boost * 2.2 * tf / (1.2 + tf))
          if (!postings.has(word)) postings.set(word, { fields: 0, list: [] })
          postings.get(word).fields++
        }
      }
      for (const [word, weight] of weights) postings.get(word).list.push(number, section, weight)
    }
    const shard = Object.create(null)  // a page may hold the word "__proto__"
    for (const [word, { fields, list }] of postings) {
      const idf = Math.log(1 + Math.abs((count - fields + 0.5) / (fields + 0.5)))
      const encoded = []
      for (let i = 0, last = 0; i < list.length; i += 3) {
        encoded.push(list[i] - last, list[i + 1], Math.max(1, Math.round(list[i + 2] * idf * 10)))
        last = list[i]
      }
      shard[word] = encoded
    }
    this.manifest = { shards: [["", 1]], results: RESULT_PAGES, prefix_bytes: Infinity,
                      query_bytes: Infinity, build: "" }
    this.shards.set(0, Promise.resolve(shard))
    pages.forEach((sections, i) => this.pages.set(i, Promise.resolve(sections)))
    this.manifest.page_bytes = Infinity
  }

  fetchJSON(path) {
    const url = new URL(`${path}?v=${this.manifest.build}`, this.base)
    return fetch(url).then(response => {
      if (!response.ok) throw new Error(`${url}: ${response.status}`)
      return response.json()
    })
  }

  /* A shard, fetched once. Within one query, shards beyond its byte budget count as empty
   * (a long pasted sentence must not fetch the whole index); a later query may fetch them. */
  shard(i) {
    if (this.shards.has(i)) return this.shards.get(i)
    const size = this.manifest.shards[i][1]
    if (!size || size > this.budget) return Promise.resolve({})
    this.budget -= size
    const shard = this.fetchJSON(`shards/${i}.json`)
    this.shards.set(i, shard)
    return shard
  }

  /* A page's sections and the bytes fetching them cost now (none once fetched). */
  async page(i) {
    if (this.pages.has(i)) return [await this.pages.get(i), 0]
    const url = new URL(`pages/${i}.json?v=${this.manifest.build}`, this.base)
    const response = fetch(url).then(response => {
      if (!response.ok) throw new Error(`${url}: ${response.status}`)
      return response
    })
    this.pages.set(i, response.then(r => r.clone().json()))
    const fetched = await response
    return [await this.pages.get(i), +fetched.headers.get("content-length") || 0]
  }

  /* The shard whose range holds a term: the last one starting at or before it. */
  shardOf(term) {
    const table = this.manifest.shards
    let lo = 0, hi = table.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (table[mid][0] <= term) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /* The terms a query word stands for, with their postings: the word itself and, unless it
   * is required or excluded (Material adds no wildcard to those), the longer words it begins,
   * as far as a bounded number of bytes of shards reaches. */
  async expand(term, exact) {
    const first = this.shardOf(term)
    const found = new Map()
    if (exact) {
      const shard = await this.shard(first)
      if (has(shard, term)) found.set(term, shard[term])
      return found
    }
    const wanted = [first]
    if ([...term].length > 1) {
      const last = this.shardOf(term + "\uffff")
      let bytes = this.manifest.shards[first][1]
      for (let i = first + 1; i <= last; i++) {
        bytes += this.manifest.shards[i][1]
        if (bytes > this.manifest.prefix_bytes) break
        wanted.push(i)
      }
    }
    for (const shard of await Promise.all(wanted.map(i => this.shard(i))))
      for (const key of Object.keys(shard))
        if (key.startsWith(term)) found.set(key, shard[key])
    return found
  }

  /* A run of Chinese characters cut into the longest words the index knows, as Material's
   * worker cuts it with its own vocabulary; an unknown character stands alone. */
  async segment(run) {
    const chars = [...run]
    const candidates = []
    for (let i = 0; i < chars.length; i++)
      for (let j = i + 2; j <= Math.min(chars.length, i + LONGEST_WORD); j++)
        candidates.push(chars.slice(i, j).join(""))
    const shards = new Map()
    for (const word of candidates) {
      const i = this.shardOf(word)
      if (!shards.has(i)) shards.set(i, this.shard(i))
    }
    const loaded = new Map()
    for (const [i, shard] of shards) loaded.set(i, await shard)
    const known = word => has(loaded.get(this.shardOf(word)), word)
    const words = []
    for (let i = 0; i < chars.length;) {
      let j = Math.min(chars.length, i + LONGEST_WORD)
      while (j > i + 1 && !known(chars.slice(i, j).join(""))) j--
      words.push(chars.slice(i, j).join(""))
      i = j
    }
    return words
  }

  /* The query's clauses, read as Material reads a query: words split by the site's separator,
   * "+word" and quoted words required, "-word" excluded, every word also a prefix. */
  async clauses(query) {
    const clauses = []
    const parts = query.trim().split(/"([^"]+)"/g)
    for (let p = 0; p < parts.length; p++)
      for (let raw of parts[p].split(/\s+/)) {
        let presence = p & 1 ? REQUIRED : OPTIONAL
        if (raw.startsWith("+")) presence = REQUIRED
        if (raw.startsWith("-")) presence = PROHIBITED
        raw = raw.replace(/^[+\-]+/, "").replace(/^(?:title|text|tags):/, "")
          .replace(/[~^]\d*$/, "").replace(/\*/g, "")
        for (const word of this.words(raw))
          for (const piece of word.split(HAN_RUNS)) {
            if (!piece) continue
            const terms = HAN.test(piece) ? await this.segment(piece) : [piece]
            for (const term of terms)
              if (!this.stop.has(term)) clauses.push({ term, presence })
          }
      }
    return clauses
  }

  /* Words of a text as the index has them: split on the separator, lower case. */
  words(text) {
    const words = []
    split(text, this.separator, (start, end) => words.push(text.slice(start, end).toLowerCase()))
    return words
  }

  async query(query) {
    this.budget = this.manifest.query_bytes
    const clauses = await this.clauses(query)
    if (!clauses.length) return { items: [] }
    const expansions = await Promise.all(clauses.map(clause =>
      this.expand(clause.term, clause.presence !== OPTIONAL)))
    const hits = new Map()      // page * 65536 + section -> {score, clauses, terms}
    const excluded = new Set()
    clauses.forEach((clause, c) => {
      for (const [term, postings] of expansions[c]) {
        let page = 0
        for (let i = 0; i < postings.length; i += 3) {
          page += postings[i]
          const key = page * 65536 + postings[i + 1]
          if (clause.presence === PROHIBITED) {
            excluded.add(key)
            continue
          }
          let hit = hits.get(key)
          if (!hit) hits.set(key, hit = { score: 0, clauses: new Set(), terms: new Set() })
          hit.score += postings[i + 2] / 10
          hit.clauses.add(c)
          hit.terms.add(term)
        }
      }
    })
    const counted = clauses.filter(clause => clause.presence !== PROHIBITED)
    const required = clauses.flatMap((clause, c) => clause.presence === REQUIRED ? [c] : [])
    const ranked = []
    for (const [key, hit] of hits) {
      if (excluded.has(key) || !required.every(c => hit.clauses.has(c))) continue
      const section = key % 65536
      // Material's own boost: a page over its sections, and more of the query's words found
      const boost = +(section === 0) + hit.clauses.size / counted.length
      ranked.push({ key, page: (key - section) / 65536, section, hit,
                    score: hit.score * (1 + boost ** 2) })
    }
    ranked.sort((a, b) => b.score - a.score || a.key - b.key)  // ties in the site's order
    const groups = new Map()
    for (const item of ranked) {
      if (!groups.has(item.page)) {
        if (groups.size >= this.manifest.results) continue
        groups.set(item.page, [])
      }
      groups.get(item.page).push(item)
    }
    // Pages ten at a time, as Material shows them: more only while the pages fetched stay
    // within the query's budget (a few very long pages must not cost megabytes).
    const order = [...groups.keys()], pages = []
    let bytes = 0
    for (let start = 0; start < order.length; start += 10) {
      if (start && bytes > this.manifest.page_bytes) break
      for (const [sections, size] of await Promise.all(
        order.slice(start, start + 10).map(page => this.page(page)))) {
        pages.push(sections)
        bytes += size
      }
    }
    const items = pages.map((sections, g) => this.render(groups.get(order[g]), sections, clauses))
    const result = { items }
    if (this.suggest) result.suggest = this.suggestions(items, clauses)
    return result
  }

  /* One page's results in Material's shape: its matching sections, and the page itself. */
  render(group, sections, clauses) {
    const items = group.filter(item => sections[item.section]).map(item => {
      const [location, title, text, tags] = sections[item.section]
      const terms = {}
      clauses.forEach((clause, c) => {
        if (clause.presence !== PROHIBITED) terms[clause.term] = item.hit.clauses.has(c)
      })
      const doc = { location, title: this.mark(title, item.hit.terms),
                    text: teaser(this.mark(text, item.hit.terms)), score: item.score, terms }
      if (tags) doc.tags = tags
      return doc
    })
    if (!group.some(item => item.section === 0) && sections[0]) {
      const [location, title, text, tags] = sections[0]
      const doc = { location, title, text, score: 0, terms: {} }
      if (tags) doc.tags = tags
      items.push(doc)
    }
    return items
  }

  /* An entry's HTML with every word the query matched in it wrapped in <mark>. */
  mark(html, terms) {
    return html.split(/(<[^>]*>)/).map(part => {
      if (part.startsWith("<")) return part
      let out = "", at = 0
      split(part, this.separator, (start, end) => {
        if (terms.has(part.slice(start, end).toLowerCase())) {
          out += part.slice(at, start) + "<mark>" + part.slice(start, end) + "</mark>"
          at = end
        }
      })
      return out + part.slice(at)
    }).join("")
  }

  /* Completions, as Material offers them: in the best-ranked title holding a word begun by
   * each of the query's words, those words (the last one completes what is being typed). */
  suggestions(items, clauses) {
    const wanted = clauses.filter(clause => clause.presence !== PROHIBITED)
    for (const group of items)
      for (const item of group) {
        const words = this.words(item.title.replace(/<[^>]*>/g, ""))
        const found = wanted.map(clause => words.find(word => word.startsWith(clause.term)))
        if (found.every(word => word !== undefined)) return found
      }
    return []
  }
}

function has(shard, word) {
  return Object.prototype.hasOwnProperty.call(shard, word)
}

/* Material's splitting: the ranges between matches of the separator. */
function split(input, separator, fn) {
  separator.lastIndex = 0
  let index = 0, match
  do {
    match = separator.exec(input)
    const until = match ? match.index : input.length
    if (index < until) fn(index, until)
    if (match) {
      index = match.index + match[0].length
      if (match[0].length === 0) separator.lastIndex = match.index + 1
    }
  } while (match)
}

/* The blocks of a section's text that hold a match (two at most) or, as Material shows a
 * section matched by its title alone, the whole text. */
function teaser(html) {
  const marked = html.split(BLOCK_END).filter(block => block.includes("<mark>"))
  return marked.length ? marked.slice(0, 2).join("") : html
}

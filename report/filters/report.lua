--[[
report.lua: the safety and accessibility filter of the labels report.

Runs on every render (HTML and Typst; Quarto may use it too through
`filters:`). It enforces what escaping alone cannot guarantee:

  * an image is kept only if its path is `figures/<name>.png` (a real PNG) or
    the logo named in the metadata; any other image (`![x](/etc/hostname)`)
    becomes its description as plain text, so no file outside the figures can
    be embedded or read;
  * `fig-alt` becomes the image's alternative text;
  * HTML: kept images are embedded as `data:` URIs (one self-contained page
    that loads nothing), header cells get `scope="col"`, tables and figures
    sit in a focusable scrolling region named after their caption (on a phone
    a wide table, or a chart shown at a readable size, scrolls inside it); the
    region carries the table's number of columns (`--columns`) for the CSS;
  * Typst: images are written as `image(path, alt: "...")` because Pandoc's
    Typst writer drops the alternative text (PDF/UA needs it); the relative
    column widths of a table are widened where a column could not hold its
    longest word (a header such as "(avancement)" would otherwise run into
    the next column), taking the room from the columns that have some to
    spare; a figure and the data link right after it stay on one page;
  * links keep only web, mail, telephone, in-page and relative targets.

The build folder comes from the metadata field `labels-report-root` (set by
the engine, removed here); without it paths are relative to the working
directory.
--]]

local stringify = pandoc.utils.stringify

local is_html = FORMAT:match('html') ~= nil
local is_typst = FORMAT:match('typst') ~= nil

local root = '.'
local logo_path = nil        -- validated logo path (relative to root) or nil
local publication_url = nil  -- where the report's files are published (links of the PDF), or nil
local table_label = 'Table'  -- accessible name of a table without caption
local embedded = {}          -- data: URIs this filter made (HTML)

local FIGURE_PATTERN = '^figures/[%w][%w._-]*%.png$'
local MIME = { png = 'image/png', jpg = 'image/jpeg', jpeg = 'image/jpeg', svg = 'image/svg+xml' }

local function read_file(path)
  local handle = io.open(root .. '/' .. path, 'rb')
  if not handle then return nil end
  local data = handle:read('a')
  handle:close()
  return data
end

-- The content must match the extension: a PNG name on another file is refused.
local function looks_like(kind, data)
  if kind == 'png' then return data:sub(1, 8) == '\137PNG\r\n\26\n' end
  if kind == 'jpg' or kind == 'jpeg' then return data:sub(1, 3) == '\255\216\255' end
  if kind == 'svg' then return data:sub(1, 2048):find('<svg', 1, true) ~= nil end
  return false
end

local function safe_relative_path(path)
  if path == nil or path == '' then return false end
  if not path:match('^[%w][%w._/-]*$') then return false end
  for segment in path:gmatch('[^/]+') do
    if segment == '..' or segment == '.' then return false end
  end
  return true
end

-- Returns the MIME type and the bytes of an allowed image, or nil.
local function allowed_image(src)
  local kind
  if src:match(FIGURE_PATTERN) then
    kind = 'png'
  elseif logo_path ~= nil and src == logo_path then
    kind = src:match('%.(%w+)$'):lower()
  else
    return nil
  end
  if not MIME[kind] then return nil end
  local data = read_file(src)
  if data == nil or not looks_like(kind, data) then
    -- A figure the pipeline announced but did not make (or made wrong).
    pandoc.log.warn('labels-report: image left out, missing or not a ' .. kind .. ' file: ' .. src)
    return nil
  end
  return MIME[kind], data
end

-- A Typst string literal: only backslash, quote and line breaks need escaping.
local function typst_string(text)
  text = text:gsub('\\', '\\\\')
  text = text:gsub('"', '\\"')
  text = text:gsub('\r', '\\r')
  text = text:gsub('\n', '\\n')
  text = text:gsub('\t', '\\t')
  return '"' .. text .. '"'
end

local function alt_text(img, fallback)
  local alt = img.attributes['fig-alt']
  if alt == nil or alt == '' then alt = stringify(img.caption) end
  if alt == '' and fallback then alt = stringify(fallback) end
  return alt
end

local function html_image(img, mime, data, alt)
  local uri = pandoc.mediabag.make_data_uri(mime, data)
  embedded[uri] = true
  -- A list of pairs, not a Lua table: the attribute order (and so the
  -- output) must not depend on hash order.
  local attributes = {}
  for key, value in pairs(img.attributes) do
    if key ~= 'fig-alt' then table.insert(attributes, { key, value }) end
  end
  table.sort(attributes, function(a, b) return a[1] < b[1] end)
  return pandoc.Image({ pandoc.Str(alt) }, uri, img.title,
                      pandoc.Attr(img.identifier, img.classes, attributes))
end

local function typst_image(src, alt, extra)
  return 'image(' .. typst_string(src) .. ', alt: ' .. typst_string(alt) .. (extra or '') .. ')'
end

-- Metadata ----------------------------------------------------------------

local function read_meta(meta)
  if meta['labels-report-root'] ~= nil then
    root = stringify(meta['labels-report-root'])
    meta['labels-report-root'] = nil
  end
  if meta['table-label'] ~= nil then table_label = stringify(meta['table-label']) end
  if meta['publication-url'] ~= nil then
    local url = stringify(meta['publication-url'])
    if url:lower():match('^https?://[^%s]+$') then publication_url = url end
  end
  if meta.logo ~= nil and pandoc.utils.type(meta.logo) ~= 'table' then
    local path = stringify(meta.logo)
    local kind = (path:match('%.(%w+)$') or ''):lower()
    if safe_relative_path(path) and MIME[kind] then
      logo_path = path
      local mime, data = allowed_image(path)
      if mime == nil then
        logo_path = nil
      elseif is_html then
        meta['logo-src'] = pandoc.MetaInlines({ pandoc.RawInline('html', pandoc.mediabag.make_data_uri(mime, data)) })
      elseif is_typst then
        meta['cover-logo'] = pandoc.MetaInlines({ pandoc.RawInline('typst', typst_string(path)) })
      end
    end
  end
  return meta
end

-- Images, figures, links ----------------------------------------------------

local function single_image(fig)
  if #fig.content ~= 1 then return nil end
  local block = fig.content[1]
  if (block.t ~= 'Plain' and block.t ~= 'Para') or #block.content ~= 1 then return nil end
  if block.content[1].t ~= 'Image' then return nil end
  return block.content[1]
end

local function on_figure(fig)
  local img = single_image(fig)
  if img == nil then return nil end
  local mime, data = allowed_image(img.src)
  if mime == nil then
    -- Not an allowed image: what remains is its description, as text.
    return pandoc.Para(img.caption)
  end
  local alt = alt_text(img, fig.caption.long)
  if is_html then
    -- A chart scales to the width of the screen: no scrolling region of its own.
    fig.content = { pandoc.Plain({ html_image(img, mime, data, alt) }) }
  elseif is_typst then
    fig.content = { pandoc.Plain({ pandoc.RawInline('typst', '#' .. typst_image(img.src, alt, ', width: 100%')) }) }
  end
  return fig
end

local function on_image(img)
  if is_html and embedded[img.src] then return nil end
  local mime, data = allowed_image(img.src)
  if mime == nil then return img.caption end
  local alt = alt_text(img)
  if is_html then return html_image(img, mime, data, alt) end
  if is_typst then return pandoc.RawInline('typst', '#box(' .. typst_image(img.src, alt) .. ')') end
  return nil
end

local function safe_target(target)
  local lower = target:lower()
  if lower:match('^https?://') or lower:match('^mailto:') or lower:match('^tel:') then return true end
  if target:sub(1, 1) == '#' then return true end
  -- relative reference: no scheme before the first '/', '?' or '#'
  local head = target:match('^[^/?#]*') or ''
  return not head:find(':', 1, true) and target:sub(1, 2) ~= '//'
end

local function relative(target)
  local lower = target:lower()
  return not (lower:match('^https?://') or lower:match('^mailto:') or lower:match('^tel:')
              or target:sub(1, 1) == '#')
end

local function on_link(link)
  if not safe_target(link.target) then return link.content end
  -- A PDF travels alone (e-mailed, archived): a link to a file beside it would break. It points
  -- to where the town publishes the report's folder, or the PDF names the file without a link.
  if is_typst and relative(link.target) then
    if publication_url ~= nil then
      link.target = publication_url .. link.target
      return link
    end
    return link.content
  end
  return nil
end

-- A short chapter (class .short, set by the chapter) follows the previous one on the same page
-- in the PDF: the template reads the state "labels-report-flow" at each chapter heading.
local function on_header(header)
  if not is_typst or header.level ~= 1 then return nil end
  local short = header.classes:includes('short')
  return { pandoc.RawBlock('typst', '#state("labels-report-flow", false).update(' .. tostring(short) .. ')'),
           header }
end

-- Tables ------------------------------------------------------------------------

local CARD_COLUMNS = 4  -- a table this wide or wider reflows as cards on a phone

local function on_table(tbl)
  local headers = {}
  for _, row in ipairs(tbl.head.rows) do
    for index, cell in ipairs(row.cells) do
      cell.attributes.scope = 'col'
      headers[index] = stringify(cell.contents)
    end
  end
  local classes = { 'table-scroll' }
  if #tbl.colspecs >= CARD_COLUMNS then
    -- On a phone each row becomes a card: every cell says which column it belongs to.
    table.insert(classes, 'cards')
    for _, body in ipairs(tbl.bodies) do
      for _, row in ipairs(body.body) do
        for index, cell in ipairs(row.cells) do
          if headers[index] ~= nil and headers[index] ~= '' then cell.attributes['data-label'] = headers[index] end
        end
      end
    end
  end
  local name = stringify(tbl.caption.long)
  if name == '' then name = table_label end
  return pandoc.Div({ tbl }, pandoc.Attr('', classes,
    { { 'role', 'region' }, { 'tabindex', '0' }, { 'aria-label', name },
      { 'style', '--columns: ' .. #tbl.colspecs } }))
end

-- Typst: the width a column needs (its longest word: the template does not
-- hyphenate). Estimated from the text, in em of the
-- table's type, with the metrics of Libertinus Serif (the only font of the
-- PDF): lower case and digits about 0.47 em, capitals 0.63, punctuation 0.38,
-- bold 10 % wider. The text width is that of typst-template.typ's defaults
-- (A4, 2.4 cm side margins, tables at 0.9 × 10.5 pt).
local TEXT_WIDTH_EM = (21 - 2 * 2.4) / 2.54 * 72 / (0.9 * 10.5)
local CELL_INSET_EM = 1.2   -- 5 pt on each side, and a little air

local function token_width(token, bold)
  local width = 0
  for _, code in utf8.codes(token) do
    if code >= 65 and code <= 90 then width = width + 0.63
    elseif code < 128 and string.char(code):match('%p') then width = width + 0.38
    else width = width + 0.48 end
  end
  if bold then width = width * 1.1 end
  return width
end

local function needed_width(cell, header)
  local widest = 0
  for token in stringify(cell.contents):gmatch('%S+') do
    local width = token_width(token, header)
    if width > widest then widest = width end
  end
  return widest + CELL_INSET_EM
end

local function each_row(tbl, visit)
  for _, row in ipairs(tbl.head.rows) do visit(row, true) end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.head) do visit(row, true) end
    for _, row in ipairs(body.body) do visit(row, false) end
  end
  for _, row in ipairs(tbl.foot.rows) do visit(row, false) end
end

local function widen_narrow_columns(tbl)
  local n = #tbl.colspecs
  local widths, total = {}, 0
  for i, spec in ipairs(tbl.colspecs) do
    local width = spec[2]
    if type(width) ~= 'number' or width <= 0 then return nil end  -- auto widths: Typst sizes them
    widths[i] = width
    total = total + width
  end
  local need = {}
  for i = 1, n do need[i] = 0 end
  each_row(tbl, function(row, header)
    local column = 1
    for _, cell in ipairs(row.cells) do
      if cell.col_span == 1 and column <= n then
        need[column] = math.max(need[column], needed_width(cell, header) / TEXT_WIDTH_EM)
      end
      column = column + cell.col_span
    end
  end)
  local sum_need = 0
  for i = 1, n do sum_need = sum_need + need[i] end
  local result = {}
  if sum_need >= total then
    -- The columns cannot all fit: share the width in proportion to what they need.
    for i = 1, n do result[i] = total * need[i] / sum_need end
  else
    -- Columns narrower than they need get what they need; the others share
    -- what is left in proportion to their given widths (repeat until stable).
    local fixed = {}
    repeat
      local free, given = total, 0
      for i = 1, n do
        if fixed[i] then free = free - need[i] else given = given + widths[i] end
      end
      local changed = false
      for i = 1, n do
        if fixed[i] then
          result[i] = need[i]
        else
          result[i] = free * widths[i] / given
          if result[i] < need[i] then fixed[i] = true; changed = true end
        end
      end
    until not changed
  end
  local unchanged = true
  for i = 1, n do
    result[i] = math.floor(result[i] * 10000 + 0.5) / 10000
    if math.abs(result[i] - widths[i]) > 0.00005 then unchanged = false end
  end
  if unchanged then return nil end
  for i, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[i] = { spec[1], result[i] }
  end
  return tbl
end

-- Typst: a figure and the paragraph right after it that is only a link (the
-- link to the figure's data) are kept together, on the same page.
local function only_a_link(block)
  if block == nil or (block.t ~= 'Para' and block.t ~= 'Plain') then return false end
  local links = 0
  for _, inline in ipairs(block.content) do
    if inline.t == 'Link' then
      links = links + 1
    elseif inline.t ~= 'Space' and inline.t ~= 'SoftBreak' then
      return false
    end
  end
  return links == 1
end

local function keep_figure_with_its_data_link(blocks)
  local out, changed, i = pandoc.Blocks({}), false, 1
  while i <= #blocks do
    local block = blocks[i]
    if block.t == 'Figure' and only_a_link(blocks[i + 1]) then
      -- A float: when the figure does not fit in what is left of the page,
      -- it moves to the top of the next one and the text goes on meanwhile.
      out:insert(pandoc.RawBlock('typst', '#place(auto, float: true, clearance: 1.5em, block(breakable: false, width: 100%)['))
      out:insert(block)
      out:insert(blocks[i + 1])
      out:insert(pandoc.RawBlock('typst', '])'))
      i = i + 2
      changed = true
    else
      out:insert(block)
      i = i + 1
    end
  end
  if changed then return out end
  return nil
end

-- Typst reads "-?" as a soft hyphen, and drops the "?": Pandoc's Typst writer leaves it as
-- it is, so a "?" that follows a hyphen is written escaped ("-\?"), and shows as typed.
local function keep_question_after_hyphen(inlines)
  local out, changed = pandoc.List(), false
  for i, inline in ipairs(inlines) do
    local text = inline.t == 'Str' and inline.text or nil
    local before = inlines[i - 1]
    if text and text:sub(1, 1) == '?' and before and before.t == 'Str' and before.text:sub(-1) == '-' then
      text = text:sub(2)
      out:insert(pandoc.RawInline('typst', '\\?'))
      changed = true
    end
    if text and text:find('-?', 1, true) then
      local rest = text
      while true do
        local at = rest:find('-?', 1, true)
        if not at then break end
        out:insert(pandoc.Str(rest:sub(1, at)))
        out:insert(pandoc.RawInline('typst', '\\?'))
        rest = rest:sub(at + 2)
      end
      if rest ~= '' then out:insert(pandoc.Str(rest)) end
      changed = true
    elseif text then
      if text ~= '' then out:insert(pandoc.Str(text)) end
    else
      out:insert(inline)
    end
  end
  if changed then return out end
  return nil
end

local filters = {
  { Meta = read_meta },
  { traverse = 'topdown', Figure = on_figure, Image = on_image, Link = on_link },
  { Header = on_header },
}
if is_html then
  table.insert(filters, { Table = on_table })
elseif is_typst then
  table.insert(filters, { Table = widen_narrow_columns, Blocks = keep_figure_with_its_data_link })
  -- last: the columns' widths are measured on the text as typed
  table.insert(filters, { Inlines = keep_question_after_hyphen })
end
return filters

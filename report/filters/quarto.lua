--[[
quarto.lua: what the Quarto engine needs so that Quarto renders the same
report as the built-in engine. Listed in _quarto.yml twice: at `post-quarto`
(before report.lua) and at `post-render`. Outside Quarto it does nothing.

  * The Markdown the chapters displayed is the document: the cell divs Quarto
    puts around a notebook's outputs are taken away (sections, headings and
    their numbers are then those of the built-in engine).
  * A table or figure with a `tbl-`/`fig-` identifier is a Quarto
    cross-reference float; it becomes the Pandoc table or figure it was, so
    that report.lua handles it as with the built-in engine (alt text, scroll
    regions, column widths) and the templates number it: through the whole
    PDF, in the language's words ("Tableau 1"), like the built-in engine,
    where a float would say "Table 1.1" and drop the image's alt text in HTML.
  * Quarto marks every table `typst:no-figure` (its floats make the figure):
    a table with a caption gets back the figure Pandoc gives it.
  * Typst: a hyphen right after a hyphen is escaped (`-\-`), as Pandoc 3.9
    writes it; the Pandoc of Quarto 1.9 (3.8) leaves `--` in the Typst text,
    which Typst prints as a dash.
  * The report's metadata (town, edition, date line, texts, colours, logo,
    downloads) is read from the JSON file named by `labels-report-metadata`,
    each string as Pandoc Markdown (as Pandoc reads a metadata file), after
    Quarto has read its own metadata: Quarto expands shortcodes in metadata
    even when they are escaped, and reads `date` as a calendar date ("Invalid
    Date" for a sentence). Once report.lua has put the logo on the cover,
    `logo` is taken away: Quarto's Typst template would draw it on every page.
--]]

if quarto == nil then
  return {}
end

local function unwrap_cell(div)
  if div.classes:includes('cell') or div.classes:includes('cell-output-display') then
    return div.content
  end
  return nil
end

local function plain_float(float)
  local caption = pandoc.Blocks({})
  if float.caption_long ~= nil then
    caption = pandoc.Blocks({ float.caption_long })
  end
  local content = float.content
  if float.type == 'Table' and content ~= nil and content.t == 'Table' then
    content.caption = { long = caption, short = nil }
    content.identifier = float.identifier
    return content
  elseif float.type == 'Figure' and content ~= nil then
    local blocks = content.t ~= nil and pandoc.Blocks({ content }) or pandoc.Blocks(content)
    return pandoc.Figure(blocks, { long = caption }, pandoc.Attr(float.identifier, float.classes))
  end
  return nil
end

local function figure_again(tbl)
  if #tbl.caption.long > 0 and tbl.classes:includes('typst:no-figure') then
    tbl.classes = tbl.classes:filter(function(class) return class ~= 'typst:no-figure' end)
    return tbl
  end
  return nil
end

-- Raw HTML, TeX and attributes off, as the built-in engine reads Markdown.
local READER = 'markdown-raw_html-raw_tex-raw_attribute'

local function as_meta(value)
  if type(value) == 'string' then
    local blocks = pandoc.read(value, READER).blocks
    if #blocks == 0 then return pandoc.MetaInlines({}) end
    if #blocks == 1 and (blocks[1].t == 'Para' or blocks[1].t == 'Plain') then
      return pandoc.MetaInlines(blocks[1].content)
    end
    return pandoc.MetaBlocks(blocks)
  elseif type(value) == 'table' then
    if value[1] ~= nil or next(value) == nil then
      local list = pandoc.List({})
      for _, item in ipairs(value) do list:insert(as_meta(item)) end
      return pandoc.MetaList(list)
    end
    local map = {}
    for key, item in pairs(value) do map[key] = as_meta(item) end
    return pandoc.MetaMap(map)
  end
  return value
end

local function report_metadata(meta)
  local name = meta['labels-report-metadata']
  if name == nil then
    -- Second run (post-render): report.lua has put the logo on the cover (cover-logo,
    -- logo-src); Quarto's page.typ would also draw a `logo` on every page.
    if meta.logo ~= nil and (meta['cover-logo'] ~= nil or meta['logo-src'] ~= nil) then
      meta.logo = nil
      return meta
    end
    return nil
  end
  meta['labels-report-metadata'] = nil
  local handle = assert(io.open(pandoc.utils.stringify(name), 'r'))
  local values = pandoc.json.decode(handle:read('a'), false)
  handle:close()
  for key, value in pairs(values) do
    meta[key] = as_meta(value)
  end
  return meta
end

local function hyphens(str)
  if not str.text:find('--', 1, true) then return nil end
  local inlines, run, previous = pandoc.Inlines({}), '', nil
  for char in str.text:gmatch(utf8.charpattern) do
    if char == '-' and previous == '-' then
      if run ~= '' then inlines:insert(pandoc.Str(run)) end
      inlines:insert(pandoc.RawInline('typst', '\\-'))
      run = ''
    else
      run = run .. char
    end
    previous = char
  end
  if run ~= '' then inlines:insert(pandoc.Str(run)) end
  return inlines
end

return {
  { Meta = report_metadata },
  { Div = unwrap_cell },
  { FloatRefTarget = plain_float },
  { Table = figure_again },
  FORMAT:match('typst') and { Str = hyphens } or {},
}

using System.Globalization;
using System.Text;

namespace Sideye.QueryServer.Dialect;

/// <summary>
/// Turns SQLite's JSON operators into DuckDB macro calls, so the expressions Side-Eye users write work here:
/// <c>cs-&gt;'Mu.Processing' = 'true'</c> becomes <c>sideye_json_get(cs, '$.Mu.Processing') = 'true'</c>.
/// <para>
/// Why a rewrite and not DuckDB's own operators: DuckDB reads <c>-&gt;'a.b'</c> as the single key "a.b"
/// (SQLite reads '$.a.b'), and gives <c>-&gt;</c> a low precedence, so <c>j-&gt;'$.a' = 'true'</c> parses as
/// <c>j-&gt;('$.a' = 'true')</c> and <c>a AND j-&gt;&gt;'x' = 'y'</c> as <c>((a AND j)-&gt;&gt;'x') = 'y'</c>.
/// A function call binds tighter than any operator, which is SQLite's precedence for these operators.
/// </para>
/// <para>
/// The rewrite works on tokens: string literals, quoted identifiers and comments are never touched. Only an
/// operator whose right operand is a literal is rewritten: a string (a path when it starts with '$', an array
/// index when it starts with '[', else a label, so 'a.b' is '$.a.b' exactly as in SQLite) or an integer
/// (<c>-&gt;2</c> is '$[2]', <c>-&gt;-1</c> the last element). Anything else is left to DuckDB, which keeps
/// its lambdas (<c>x -&gt; x + 1</c>) working. The left operand is the primary expression just before the
/// operator: a (dotted, quoted) name, a literal, a parenthesised group, a function call, a subscript, a
/// <c>::</c> cast, or an earlier rewrite (so chains nest left to right).
/// </para>
/// Known differences from SQLite: <c>-&gt;&gt;</c> returns VARCHAR (SQLite returns INTEGER/REAL for numbers
/// and 1/0 for booleans), so compare numbers with a cast; <c>CASE ... END-&gt;'a'</c> needs parentheses.
/// </summary>
public static class JsonPathRewriter
{
    private enum NodeKind { Trivia, Name, Value, Keyword, Other }

    /// <param name="Text">The SQL to emit.</param>
    /// <param name="Kind">What the text is, for the operator parse.</param>
    /// <param name="Source">For a rewritten expression, what the user wrote (the result column's label).</param>
    private readonly record struct Node(string Text, NodeKind Kind, string? Source = null)
    {
        public bool IsOperand => Kind is NodeKind.Name or NodeKind.Value;

        public string Written => Source ?? Text;
    }

    /// <summary>Brackets nested deeper than this are refused (DuckDB's own max_expression_depth is 1,000), before the
    /// recursive parse below could exhaust the thread's stack and take the server down.</summary>
    public const int MaxDepth = 1000;

    /// <summary>At most this many <c>-&gt;</c> and <c>-&gt;&gt;</c> in one text.</summary>
    public const int MaxOperators = 2000;

    [ThreadStatic]
    private static int t_depth;

    [ThreadStatic]
    private static bool t_label;

    // Keywords that end a SELECT list.
    private static readonly HashSet<string> SelectListEnd = new(StringComparer.OrdinalIgnoreCase)
    {
        "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "UNION", "EXCEPT", "INTERSECT", "WINDOW", "QUALIFY", "INTO",
    };

    // Reserved words that can stand before '(' or '[' without being a function or a value.
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "ALL", "AND", "ANY", "AS", "ASC", "BETWEEN", "BY", "CASE", "CROSS", "DESC", "DISTINCT", "ELSE", "END",
        "ESCAPE", "EXCEPT", "EXISTS", "FILTER", "FROM", "FULL", "GLOB", "GROUP", "HAVING", "ILIKE", "IN", "INNER",
        "INTERSECT", "INTO", "IS", "JOIN", "LATERAL", "LEFT", "LIKE", "LIMIT", "NATURAL", "NOT", "OFFSET", "ON",
        "OR", "ORDER", "OUTER", "OVER", "PARTITION", "QUALIFY", "RETURNING", "RIGHT", "SELECT", "SIMILAR", "SOME",
        "THEN", "UNION", "USING", "VALUES", "WHEN", "WHERE", "WINDOW", "WITH", "WITHIN",
    };

    /// <summary>
    /// Returns <paramref name="sql"/> with every rewritable JSON operator replaced by a macro call. With
    /// <paramref name="labelAsWritten"/> (a query or a view, not an expression), a SELECT item that is one rewritten
    /// expression keeps what the user wrote as its column name.
    /// </summary>
    public static string Rewrite(string sql, bool labelAsWritten = false)
    {
        IReadOnlyList<SqlToken> tokens = SqlLexer.Tokenize(sql);
        int arrows = tokens.Count(t => t.Kind is SqlTokenKind.Arrow or SqlTokenKind.LongArrow);
        if (arrows == 0)
            return sql;
        // A chain nests each call in the next, so its text grows with the square of its length: bounded before it is built.
        if (arrows > MaxOperators)
            throw new Errors.QueryRejectedException("Too many JSON operators",
                $"The SQL has {arrows} JSON operators (-> and ->>); at most {MaxOperators} are rewritten. Extract the values once (a CTE) and refer to them.");
        var output = new StringBuilder(sql.Length + 32);
        int i = 0;
        t_depth = 0;
        t_label = labelAsWritten;
        while (i < tokens.Count)
        {
            List<Node> nodes = ParseSequence(tokens, ref i);
            LabelAsWritten(nodes);
            foreach (Node node in nodes)
                output.Append(node.Text);
            if (i < tokens.Count)
                output.Append(tokens[i++].Text); // a closing bracket with no opening one: DuckDB reports it
        }
        return output.ToString();
    }

    /// <summary>
    /// A result column that is one rewritten expression is labelled with what the user wrote (<c>request-&gt;'ClientId'</c>),
    /// not with the macro call DuckDB would name it after: an alias is added to each such item of the top-level SELECT list.
    /// </summary>
    private static void LabelAsWritten(List<Node> nodes)
    {
        if (!t_label)
            return;
        int start = nodes.FindIndex(n => n.Kind == NodeKind.Keyword && n.Text.Equals("SELECT", StringComparison.OrdinalIgnoreCase));
        if (start < 0)
            return;
        var item = new List<int>();
        for (int k = start + 1; k <= nodes.Count; k++)
        {
            bool end = k == nodes.Count || nodes[k].Kind == NodeKind.Keyword && SelectListEnd.Contains(nodes[k].Text);
            if (end || nodes[k].Kind == NodeKind.Other && nodes[k].Text == ",")
            {
                Label(nodes, item);
                item.Clear();
                if (end)
                    return;
                continue;
            }
            // DISTINCT and ALL open the list, they are not part of its first item.
            bool opener = item.Count == 0 && nodes[k].Kind == NodeKind.Keyword && nodes[k].Text.ToUpperInvariant() is "DISTINCT" or "ALL";
            if (nodes[k].Kind != NodeKind.Trivia && !opener)
                item.Add(k);
        }
    }

    /// <summary>Adds <c>AS "what was written"</c> after a SELECT item (its non-trivia nodes) that holds a rewrite and has no alias.</summary>
    private static void Label(List<Node> nodes, List<int> item)
    {
        if (item.Count == 0 || !item.Any(k => nodes[k].Source is not null))
            return;
        // expr AS name (an AS inside CAST(x AS T) is in a group node, not at this level).
        if (item.Any(k => nodes[k].Kind == NodeKind.Keyword && nodes[k].Text.Equals("AS", StringComparison.OrdinalIgnoreCase)))
            return;
        // expr name (an alias without AS): a name right after an operand.
        if (item.Count >= 2 && nodes[item[^1]].Kind == NodeKind.Name && nodes[item[^2]].IsOperand)
            return;
        var written = new StringBuilder();
        for (int k = item[0]; k <= item[^1]; k++)
            written.Append(nodes[k].Written);
        Node last = nodes[item[^1]];
        nodes[item[^1]] = last with { Text = last.Text + " AS \"" + written.ToString().Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" };
    }

    /// <summary>Parses until a closing bracket (not consumed) or the end, rewriting as it goes.</summary>
    private static List<Node> ParseSequence(IReadOnlyList<SqlToken> tokens, ref int i)
    {
        var nodes = new List<Node>();
        while (i < tokens.Count)
        {
            SqlToken token = tokens[i];
            switch (token.Kind)
            {
                case SqlTokenKind.CloseParen or SqlTokenKind.CloseBracket or SqlTokenKind.CloseBrace:
                    return nodes;
                case SqlTokenKind.Whitespace or SqlTokenKind.Comment:
                    nodes.Add(new Node(token.Text, NodeKind.Trivia));
                    i++;
                    break;
                case SqlTokenKind.OpenParen or SqlTokenKind.OpenBracket or SqlTokenKind.OpenBrace:
                    AddGroup(nodes, token, ParseGroup(tokens, ref i));
                    break;
                case SqlTokenKind.Dot:
                    AddDot(nodes, tokens, ref i);
                    break;
                case SqlTokenKind.DoubleColon:
                    AddCast(nodes, tokens, ref i);
                    break;
                case SqlTokenKind.Arrow or SqlTokenKind.LongArrow:
                    AddArrow(nodes, tokens, ref i);
                    break;
                case SqlTokenKind.Identifier:
                    nodes.Add(new Node(token.Text, Keywords.Contains(token.Text) ? NodeKind.Keyword : NodeKind.Name));
                    i++;
                    break;
                case SqlTokenKind.QuotedIdentifier:
                    nodes.Add(new Node(token.Text, NodeKind.Name));
                    i++;
                    break;
                case SqlTokenKind.String or SqlTokenKind.OtherString or SqlTokenKind.Number:
                    nodes.Add(new Node(token.Text, NodeKind.Value));
                    i++;
                    break;
                default:
                    nodes.Add(new Node(token.Text, NodeKind.Other));
                    i++;
                    break;
            }
        }
        return nodes;
    }

    /// <summary>An opening bracket, its rewritten contents and its closing bracket, as one node (with what was written when it holds a rewrite).</summary>
    private static Node ParseGroup(IReadOnlyList<SqlToken> tokens, ref int i)
    {
        if (++t_depth > MaxDepth)
            throw new Errors.QueryRejectedException("SQL nested too deep",
                $"The SQL nests brackets more than {MaxDepth} deep; DuckDB would refuse it too. Flatten the expression (a CTE or a join instead of nested subqueries).");
        try
        {
            return ParseGroupInner(tokens, ref i);
        }
        finally
        {
            t_depth--;
        }
    }

    private static Node ParseGroupInner(IReadOnlyList<SqlToken> tokens, ref int i)
    {
        SqlToken open = tokens[i++];
        var text = new StringBuilder(open.Text);
        var written = new StringBuilder(open.Text);
        bool rewritten = false;
        List<Node> nodes = ParseSequence(tokens, ref i);
        LabelAsWritten(nodes); // a subquery's or CTE's columns are what the outer query's * shows
        foreach (Node node in nodes)
        {
            text.Append(node.Text);
            written.Append(node.Written);
            rewritten |= node.Source is not null;
        }
        SqlTokenKind close = open.Kind switch
        {
            SqlTokenKind.OpenParen => SqlTokenKind.CloseParen,
            SqlTokenKind.OpenBracket => SqlTokenKind.CloseBracket,
            _ => SqlTokenKind.CloseBrace,
        };
        // A mismatched closer is left for the enclosing level; DuckDB will report the imbalance.
        if (i < tokens.Count && tokens[i].Kind == close)
        {
            written.Append(tokens[i].Text);
            text.Append(tokens[i++].Text);
        }
        return new Node(text.ToString(), NodeKind.Value, rewritten ? written.ToString() : null);
    }

    private static void AddGroup(List<Node> nodes, SqlToken open, Node group)
    {
        int last = LastNonTrivia(nodes);
        bool adjacent = last == nodes.Count - 1;
        // f(x) and f (x) are calls; a[1] is a subscript only when adjacent ([1] after a space may be a list literal).
        bool call = open.Kind == SqlTokenKind.OpenParen && last >= 0 && nodes[last].Kind == NodeKind.Name;
        bool subscript = open.Kind == SqlTokenKind.OpenBracket && adjacent && last >= 0 && nodes[last].IsOperand;
        if (call || subscript)
            Merge(nodes, last, group, NodeKind.Value);
        else
            nodes.Add(group);
    }

    private static void AddDot(List<Node> nodes, IReadOnlyList<SqlToken> tokens, ref int i)
    {
        int last = nodes.Count - 1;
        bool follows = i + 1 < tokens.Count && (tokens[i + 1].Kind is SqlTokenKind.Identifier or SqlTokenKind.QuotedIdentifier
            || tokens[i + 1].Text == "*");
        if (last >= 0 && nodes[last].IsOperand && follows)
        {
            Merge(nodes, last, tokens[i].Text + tokens[i + 1].Text, nodes[last].Kind);
            i += 2;
            return;
        }
        nodes.Add(new Node(tokens[i++].Text, NodeKind.Other));
    }

    /// <summary><c>x::TYPE</c>, <c>x::DECIMAL(10, 2)</c>, <c>x::INT[]</c>: the cast becomes part of the operand.</summary>
    private static void AddCast(List<Node> nodes, IReadOnlyList<SqlToken> tokens, ref int i)
    {
        int last = LastNonTrivia(nodes);
        int j = SkipTrivia(tokens, i + 1);
        if (last < 0 || !nodes[last].IsOperand || j >= tokens.Count || tokens[j].Kind is not (SqlTokenKind.Identifier or SqlTokenKind.QuotedIdentifier))
        {
            nodes.Add(new Node(tokens[i++].Text, NodeKind.Other));
            return;
        }
        var cast = new StringBuilder();
        for (int k = i; k <= j; k++) cast.Append(tokens[k].Text);
        i = j + 1;
        while (i + 1 < tokens.Count && tokens[i].Kind == SqlTokenKind.Dot && tokens[i + 1].Kind is SqlTokenKind.Identifier or SqlTokenKind.QuotedIdentifier)
        {
            cast.Append(tokens[i].Text).Append(tokens[i + 1].Text);
            i += 2;
        }
        if (i < tokens.Count && tokens[i].Kind == SqlTokenKind.OpenParen)
            cast.Append(ParseGroup(tokens, ref i).Text); // a type's arguments, DECIMAL(10, 2): no JSON there
        while (i + 1 < tokens.Count && tokens[i].Kind == SqlTokenKind.OpenBracket && tokens[i + 1].Kind == SqlTokenKind.CloseBracket)
        {
            cast.Append("[]");
            i += 2;
        }
        Merge(nodes, last, cast.ToString(), NodeKind.Value);
    }

    private static void AddArrow(List<Node> nodes, IReadOnlyList<SqlToken> tokens, ref int i)
    {
        SqlToken arrow = tokens[i];
        int last = LastNonTrivia(nodes);
        int j = SkipTrivia(tokens, i + 1);
        string? path = last >= 0 && nodes[last].IsOperand ? PathOperand(tokens, ref j) : null;
        if (path is null)
        {
            nodes.Add(new Node(arrow.Text, NodeKind.Other));
            i++;
            return;
        }
        string macro = arrow.Kind == SqlTokenKind.Arrow ? JsonMacros.Get : JsonMacros.Text;
        string call = $"{macro}({nodes[last].Text}, {Quote(path)})";
        var written = new StringBuilder();
        for (int k = last; k < nodes.Count; k++) written.Append(nodes[k].Written);
        for (int k = i; k < j; k++) written.Append(tokens[k].Text);
        nodes.RemoveRange(last, nodes.Count - last); // the operand and any trivia before the operator
        nodes.Add(new Node(call, NodeKind.Value, written.ToString()));
        i = j;
    }

    /// <summary>
    /// The JSON path for a literal right operand starting at <paramref name="j"/> (advanced past it), or null
    /// when the operand is not a literal. Same abbreviations as SQLite's json.c for these operators.
    /// </summary>
    private static string? PathOperand(IReadOnlyList<SqlToken> tokens, ref int j)
    {
        if (j >= tokens.Count)
            return null;
        SqlToken token = tokens[j];
        if (token.Kind == SqlTokenKind.String)
        {
            j++;
            string key = token.Text[1..^1].Replace("''", "'", StringComparison.Ordinal);
            return key.StartsWith('$') ? key : key.StartsWith('[') ? "$" + key : "$." + key;
        }
        if (token.Kind == SqlTokenKind.Number && IsIndex(token.Text))
        {
            j++;
            return $"$[{token.Text}]";
        }
        if (token.Text == "-" && j + 1 < tokens.Count && tokens[j + 1].Kind == SqlTokenKind.Number && IsIndex(tokens[j + 1].Text))
        {
            j += 2;
            return $"$[#-{tokens[j - 1].Text}]";
        }
        return null;
    }

    private static bool IsIndex(string text) => text.All(char.IsAsciiDigit) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static void Merge(List<Node> nodes, int from, string suffix, NodeKind kind) => Merge(nodes, from, new Node(suffix, kind), kind);

    private static void Merge(List<Node> nodes, int from, Node suffix, NodeKind kind)
    {
        var text = new StringBuilder();
        var written = new StringBuilder();
        bool rewritten = false;
        for (int k = from; k < nodes.Count; k++)
        {
            text.Append(nodes[k].Text);
            written.Append(nodes[k].Written);
            rewritten |= nodes[k].Source is not null;
        }
        text.Append(suffix.Text);
        written.Append(suffix.Written);
        rewritten |= suffix.Source is not null;
        nodes.RemoveRange(from, nodes.Count - from);
        nodes.Add(new Node(text.ToString(), kind, rewritten ? written.ToString() : null));
    }

    private static int LastNonTrivia(List<Node> nodes)
    {
        for (int k = nodes.Count - 1; k >= 0; k--)
            if (nodes[k].Kind != NodeKind.Trivia)
                return k;
        return -1;
    }

    private static int SkipTrivia(IReadOnlyList<SqlToken> tokens, int j)
    {
        while (j < tokens.Count && tokens[j].IsTrivia) j++;
        return j;
    }
}

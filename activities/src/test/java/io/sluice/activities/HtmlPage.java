package io.sluice.activities;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * A report page read back as the XML it is written as (XHTML syntax), so that tests ask XPath
 * questions of its elements, attributes and text rather than search its markup. A page that is not
 * well-formed fails to parse.
 */
public final class HtmlPage {

  private final Document doc;

  private HtmlPage(Document doc) {
    this.doc = doc;
  }

  public static HtmlPage read(Path file) throws IOException {
    String text = Files.readString(file);
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setExpandEntityReferences(false);
      return new HtmlPage(f.newDocumentBuilder().parse(new InputSource(new StringReader(text))));
    } catch (Exception e) {
      throw new AssertionError(file + " is not well-formed XHTML: " + e.getMessage(), e);
    }
  }

  /** The text of each node {@code xpath} selects (an element's text, an attribute's value). */
  public List<String> texts(String xpath) {
    try {
      NodeList nodes =
          (NodeList)
              XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < nodes.getLength(); i++) {
        texts.add(nodes.item(i).getTextContent());
      }
      return texts;
    } catch (XPathExpressionException e) {
      throw new IllegalArgumentException(xpath, e);
    }
  }

  /** The text of the one node {@code xpath} selects. */
  public String text(String xpath) {
    List<String> texts = texts(xpath);
    if (texts.size() != 1) {
      throw new AssertionError(xpath + " selects " + texts.size() + " nodes, not one: " + texts);
    }
    return texts.get(0);
  }

  public int count(String xpath) {
    return texts(xpath).size();
  }
}

package io.sluice.demo.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Benchmark helper (bench/sources): writes the records of a CSV file with a header as JSON Lines
 * (one object of strings per record) or Parquet (one optional string column per header name,
 * Snappy), so each format carries exactly the CSV's values.
 *
 * <p>Arguments: in.csv out.jsonl|out.parquet
 */
public final class ConvertFile {

  private ConvertFile() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ConvertFile <in.csv> <out.jsonl|out.parquet>");
      System.exit(2);
    }
    Path in = Path.of(args[0]);
    Path out = Path.of(args[1]);
    Files.deleteIfExists(out);
    try (Reader r = Files.newBufferedReader(in);
        CSVParser csv = CSVFormat.RFC4180.builder().setHeader().get().parse(r)) {
      List<String> header = csv.getHeaderNames();
      long n =
          out.toString().endsWith(".parquet")
              ? parquet(csv, header, out)
              : jsonLines(csv, header, out);
      System.out.println("records=" + n);
    }
  }

  private static long jsonLines(CSVParser csv, List<String> header, Path out) throws Exception {
    ObjectMapper json = new ObjectMapper();
    long n = 0;
    try (BufferedWriter w = Files.newBufferedWriter(out)) {
      for (CSVRecord rec : csv) {
        StringWriter line = new StringWriter();
        try (JsonGenerator g = json.getFactory().createGenerator(line)) {
          g.writeStartObject();
          for (int i = 0; i < header.size() && i < rec.size(); i++) {
            g.writeStringField(header.get(i), rec.get(i));
          }
          g.writeEndObject();
        }
        w.write(line.toString());
        w.write('\n');
        n++;
      }
    }
    return n;
  }

  private static long parquet(CSVParser csv, List<String> header, Path out) throws Exception {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (String name : header) {
      b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
    }
    MessageType schema = b.named("records");
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    long n = 0;
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(new LocalOutputFile(out))
            .withConf(new PlainParquetConfiguration())
            .withType(schema)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .build()) {
      for (CSVRecord rec : csv) {
        Group g = groups.newGroup();
        for (int i = 0; i < header.size() && i < rec.size(); i++) {
          g.append(header.get(i), rec.get(i));
        }
        w.write(g);
        n++;
      }
    }
    return n;
  }
}
